#include "core/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace lifeline {
namespace {

constexpr std::size_t kKeyBytes = 32;

std::string ToHex(const unsigned char* data, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();
  return hex;
}

// A secretbox key derived from the deployment key, so the same key file serves pseudonyms and
// sealing without one output ever revealing the other.
void SealingKey(std::string_view key, unsigned char (&out)[crypto_secretbox_KEYBYTES]) {
  const std::string material = "lifeline-seal-v1:" + std::string(key);
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(material.data()),
                     material.size(), nullptr, 0);
}

}  // namespace

Status InitCrypto() {
  static const int result = sodium_init();
  if (result < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

std::string RandomHex(std::size_t bytes) {
  (void)InitCrypto();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return ToHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string KeyedHashHex(std::string_view key, std::string_view data) {
  (void)InitCrypto();
  unsigned char out[crypto_generichash_BYTES];
  // BLAKE2b keys are limited to 64 bytes; longer keys are hashed down first.
  unsigned char short_key[crypto_generichash_KEYBYTES];
  const unsigned char* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  std::size_t key_size = key.size();
  if (key_size > crypto_generichash_KEYBYTES_MAX) {
    crypto_generichash(short_key, sizeof short_key, key_bytes, key_size, nullptr, 0);
    key_bytes = short_key;
    key_size = sizeof short_key;
  }
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), key_size == 0 ? nullptr : key_bytes, key_size);
  return ToHex(out, sizeof out);
}

std::uint64_t KeyedHash64(std::string_view key, std::string_view data) {
  const std::string hex = KeyedHashHex(key, data);
  return std::stoull(hex.substr(0, 16), nullptr, 16);
}

ShortHashKey::ShortHashKey(std::string_view deployment_key, std::string_view purpose) {
  static_assert(sizeof(key_) == crypto_shorthash_KEYBYTES);
  (void)InitCrypto();
  std::string material = "lifeline short hash\n";
  material += purpose;
  material += '\n';
  material += deployment_key;
  crypto_generichash(key_, sizeof key_, reinterpret_cast<const unsigned char*>(material.data()),
                     material.size(), nullptr, 0);
}

std::uint64_t ShortHashKey::Hash(std::string_view data) const {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(data.data()), data.size(), key_);
  std::uint64_t value = 0;
  for (int idx = 7; idx >= 0; --idx) value = (value << 8) | out[idx];
  return value;
}

std::string ShortHashKey::Fingerprint() const {
  unsigned char out[8];
  crypto_generichash(out, sizeof out, key_, sizeof key_, nullptr, 0);
  return ToHex(out, sizeof out);
}

std::string SealText(std::string_view key, std::string_view plaintext) {
  (void)InitCrypto();
  unsigned char box_key[crypto_secretbox_KEYBYTES];
  SealingKey(key, box_key);
  std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(),
                     '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, box_key);
  sodium_memzero(box_key, sizeof box_key);
  return ToHex(nonce, sealed.size());
}

Result<std::string> OpenSealedText(std::string_view key, std::string_view sealed_hex) {
  (void)InitCrypto();
  std::string sealed(sealed_hex.size() / 2, '\0');
  std::size_t sealed_size = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(sealed.data()), sealed.size(),
                     sealed_hex.data(), sealed_hex.size(), nullptr, &sealed_size, nullptr) != 0 ||
      sealed_size < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Status::Internal("sealed text is malformed");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  const std::size_t cipher_size = sealed_size - crypto_secretbox_NONCEBYTES;
  std::string plaintext(cipher_size - crypto_secretbox_MACBYTES, '\0');
  unsigned char box_key[crypto_secretbox_KEYBYTES];
  SealingKey(key, box_key);
  const int opened =
      crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()),
                                 nonce + crypto_secretbox_NONCEBYTES, cipher_size, nonce, box_key);
  sodium_memzero(box_key, sizeof box_key);
  if (opened != 0) return Status::Internal("sealed text does not open with this deployment key");
  return plaintext;
}

Result<std::string> LoadOrCreateKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (in) {
    std::stringstream content;
    content << in.rdbuf();
    std::string key = content.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
      key.pop_back();
    }
    if (key.size() < 32) {
      return Status::InvalidArgument("error.key_file_short", {{"path", path}});
    }
    return key;
  }
  const std::string key = RandomHex(kKeyBytes);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    return Status(ErrorCode::kInternal, "error.key_file_write", {{"path", path}}, {},
                  std::strerror(errno));
  }
  const std::string line = key + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::fsync(fd);
  ::close(fd);
  if (!written) return Status(ErrorCode::kInternal, "error.key_file_write", {{"path", path}});
  return key;
}

}  // namespace lifeline
