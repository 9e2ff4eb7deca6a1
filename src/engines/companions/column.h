#pragma once

#include <memory>
#include <new>
#include <vector>

namespace lifeline::companions {

// Allocates like std::allocator but default-initialises on resize, so resizing a column of
// plain numbers leaves them unwritten: the columns hold hundreds of millions of values, each
// written exactly once right after (zeroing them first would write gigabytes for nothing).
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* at) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(at)) U;
  }
  template <typename U, typename... Args>
  void construct(U* at, Args&&... args) {
    ::new (static_cast<void*>(at)) U(std::forward<Args>(args)...);
  }
};

// One column of a RunTable or StayTable.
template <typename T>
using Column = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace lifeline::companions
