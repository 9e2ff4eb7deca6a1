#include "core/crypto.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace lifeline {
namespace {

constexpr std::string_view kKey = "deployment-secret-key-0123456789";

bool IsLowercaseHex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// A fresh directory under the test temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "lifeline_crypto_test_XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

TEST(InitCryptoTest, Succeeds) { EXPECT_TRUE(InitCrypto().ok()); }

TEST(RandomHexTest, IsTwoHexCharactersPerByte) {
  for (const std::size_t bytes :
       {std::size_t{0}, std::size_t{1}, std::size_t{16}, std::size_t{32}, std::size_t{33}}) {
    const std::string hex = RandomHex(bytes);
    EXPECT_EQ(hex.size(), 2 * bytes);
    EXPECT_TRUE(IsLowercaseHex(hex)) << hex;
  }
}

TEST(RandomHexTest, DoesNotRepeat) {
  constexpr int kDraws = 1000;
  std::set<std::string> seen;
  for (int draw = 0; draw < kDraws; ++draw) seen.insert(RandomHex(16));
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kDraws));
}

TEST(KeyedHashHexTest, MatchesBlake2b256KnownAnswers) {
  // Reference values from Python: hashlib.blake2b(data, key=key, digest_size=32).hexdigest().
  EXPECT_EQ(KeyedHashHex(kKey, "13800138000"),
            "8c1787b061fd55a24f0c83255b955a5ed2939ab6c762af2dd1b667c60f760ed6");
  EXPECT_EQ(KeyedHashHex(kKey, ""),
            "d61b6e3824364c61f03e89349a175382a30d2bc7d2394dc35b97c1e8a0971e2f");
  EXPECT_EQ(KeyedHashHex("", "abc"),  // no key: plain BLAKE2b-256
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  EXPECT_EQ(KeyedHashHex(std::string(64, 'x'), "abc"),  // the longest key used as is
            "1314058cfb6cdfc14fda260fbf0697812b9e6e8dd36b0ad98ed84a99c38e9ff5");
}

TEST(KeyedHashHexTest, KeysLongerThanSixtyFourBytesAreHashedDownFirst) {
  // Reference: blake2b(data, key=blake2b(long_key, digest_size=32).digest(), digest_size=32).
  EXPECT_EQ(KeyedHashHex(std::string(100, 'k'), "abc"),
            "36ff62d42b3ded47152e628712f97ad4f70e62f2e2a85baac85136ae8c3f960f");
  EXPECT_NE(KeyedHashHex(std::string(100, 'k'), "abc"), KeyedHashHex(std::string(101, 'k'), "abc"));
}

TEST(KeyedHashHexTest, IsDeterministicSixtyFourHexCharacters) {
  const std::string first = KeyedHashHex(kKey, "13800138000");
  EXPECT_EQ(first.size(), 64u);
  EXPECT_TRUE(IsLowercaseHex(first));
  EXPECT_EQ(KeyedHashHex(kKey, "13800138000"), first);
}

TEST(KeyedHashHexTest, DependsOnKeyAndData) {
  const std::string base = KeyedHashHex(kKey, "13800138000");
  EXPECT_NE(KeyedHashHex("another-deployment-key-987654321", "13800138000"), base);
  EXPECT_NE(KeyedHashHex(kKey, "13800138001"), base);
  EXPECT_NE(KeyedHashHex("", "13800138000"), base);
}

TEST(KeyedHashHexTest, HandlesBinaryData) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(KeyedHashHex(kKey, with_nul), KeyedHashHex(kKey, "a"));
  EXPECT_NE(KeyedHashHex(kKey, with_nul), KeyedHashHex(kKey, "ab"));
}

TEST(KeyedHash64Test, IsTheFirstEightBytesOfTheHexHash) {
  EXPECT_EQ(KeyedHash64(kKey, "13800138000"), 0x8c1787b061fd55a2ULL);
  EXPECT_EQ(KeyedHash64(kKey, "13800138000"),
            std::stoull(KeyedHashHex(kKey, "13800138000").substr(0, 16), nullptr, 16));
  EXPECT_NE(KeyedHash64(kKey, "a"), KeyedHash64(kKey, "b"));
}

TEST(KeyFileTest, CreatesAPrivateKeyFileThenReusesIt) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("secret.key");

  Result<std::string> created = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->size(), 64u);
  EXPECT_TRUE(IsLowercaseHex(*created));

  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  Result<std::string> loaded = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, *created);
}

TEST(KeyFileTest, DifferentDeploymentsGetDifferentKeys) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  Result<std::string> first = LoadOrCreateKeyFile(dir.File("a.key"));
  Result<std::string> second = LoadOrCreateKeyFile(dir.File("b.key"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
}

TEST(KeyFileTest, ExistingKeyIsReadWithTrailingWhitespaceRemoved) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("operator.key");
  const std::string key = "0123456789abcdef0123456789abcdef";  // exactly the 32-character minimum
  WriteFile(path, key + " \r\n\n");
  Result<std::string> loaded = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, key);
}

TEST(KeyFileTest, ShortKeyFileIsRejectedNotReplaced) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("short.key");
  WriteFile(path, std::string(31, 'a') + "\n");
  Result<std::string> loaded = LoadOrCreateKeyFile(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(loaded.status().message_id(), "error.key_file_short");
  ASSERT_EQ(loaded.status().args().size(), 1u);
  EXPECT_EQ(loaded.status().args()[0].second, path);
  // The operator's file is left alone so they can fix it.
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, std::string(31, 'a') + "\n");
}

TEST(KeyFileTest, EmptyKeyFileIsRejected) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("empty.key");
  WriteFile(path, "");
  EXPECT_EQ(LoadOrCreateKeyFile(path).status().message_id(), "error.key_file_short");
}

TEST(KeyFileTest, UnwritableLocationIsAnError) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("no/such/dir/secret.key");
  Result<std::string> created = LoadOrCreateKeyFile(path);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), ErrorCode::kInternal);
  EXPECT_EQ(created.status().message_id(), "error.key_file_write");
}

}  // namespace
}  // namespace lifeline

namespace lifeline {
namespace {

TEST(SealTextTest, OpensWithTheSameKeyOnly) {
  const std::string key(64, 'a');
  const std::string sealed = SealText(key, "13912345678");
  EXPECT_EQ(sealed.find("13912345678"), std::string::npos);
  auto opened = OpenSealedText(key, sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, "13912345678");
  EXPECT_FALSE(OpenSealedText(std::string(64, 'b'), sealed).ok());
}

TEST(SealTextTest, EachSealingIsFreshAndTamperingIsDetected) {
  const std::string key(64, 'k');
  const std::string first = SealText(key, "same text");
  const std::string second = SealText(key, "same text");
  EXPECT_NE(first, second) << "a random nonce per sealing";
  std::string tampered = first;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_FALSE(OpenSealedText(key, tampered).ok());
  EXPECT_FALSE(OpenSealedText(key, "zz").ok());
  EXPECT_FALSE(OpenSealedText(key, "").ok());
  auto empty = OpenSealedText(key, SealText(key, ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

}  // namespace
}  // namespace lifeline
