#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
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

// One column of a RunTable or StayTable: plain values that are either owned (built here) or a
// read-only view into memory someone else keeps alive (a columnar store mapped from disk, so a
// query uses the stored stays without reading them into fresh memory). Reads go through one
// pointer whichever it is; only an owned column can grow.
template <typename T>
class Column {
 public:
  static_assert(std::is_trivially_copyable_v<T>);

  Column() = default;
  Column(std::initializer_list<T> values) : owned_(values) { Point(); }
  Column(const Column& other) { *this = other; }
  Column(Column&& other) noexcept { *this = std::move(other); }
  Column& operator=(const Column& other) {
    if (this == &other) return *this;
    owned_ = other.owned_;
    keeper_ = other.keeper_;
    if (keeper_) {
      data_ = other.data_;
      size_ = other.size_;
    } else {
      Point();
    }
    return *this;
  }
  Column& operator=(Column&& other) noexcept {
    owned_ = std::move(other.owned_);
    keeper_ = std::move(other.keeper_);
    data_ = other.data_;
    size_ = other.size_;
    if (!keeper_) Point();
    other.owned_.clear();
    other.keeper_.reset();
    other.Point();
    return *this;
  }

  // A view of `size` values at `data`, valid while `keeper` lives.
  static Column View(const T* data, std::size_t size, std::shared_ptr<const void> keeper) {
    Column column;
    column.keeper_ = std::move(keeper);
    column.data_ = const_cast<T*>(data);  // never written through: views do not grow or change
    column.size_ = size;
    return column;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](std::size_t at) { return data_[at]; }
  const T& operator[](std::size_t at) const { return data_[at]; }
  T& front() { return data_[0]; }
  const T& front() const { return data_[0]; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }

  // Growing makes the column owned (a view is copied first).
  void resize(std::size_t size) {
    Own();
    owned_.resize(size);
    Point();
  }
  void reserve(std::size_t size) {
    Own();
    owned_.reserve(size);
    Point();
  }
  void push_back(const T& value) {
    Own();
    owned_.push_back(value);
    Point();
  }
  void clear() {
    keeper_.reset();
    owned_.clear();
    Point();
  }

  friend bool operator==(const Column& a, const Column& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  void Point() {
    data_ = owned_.data();
    size_ = owned_.size();
  }
  void Own() {
    if (!keeper_) return;
    owned_.assign(data_, data_ + size_);
    keeper_.reset();
    Point();
  }

  std::vector<T, DefaultInitAllocator<T>> owned_;
  std::shared_ptr<const void> keeper_;  // set for a view
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace lifeline::companions
