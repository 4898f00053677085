// Base64 against RFC 4648 §10's test vectors, and what the decoder refuses.
#include "core/base64.h"

#include <gtest/gtest.h>

namespace pkgstats {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded) << plain;
    EXPECT_EQ(base64_decode(encoded), std::optional<std::string>(plain)) << encoded;
  }
}

TEST(Base64, EveryByteRoundTrips) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(part)), std::optional<std::string>(part)) << n;
  }
  EXPECT_EQ(base64_encode("user:pässword"), "dXNlcjpww6Rzc3dvcmQ=");
}

TEST(Base64, UnpaddedAcceptedGarbageRefused) {
  EXPECT_EQ(base64_decode("Zm8"), std::optional<std::string>("fo"));
  EXPECT_EQ(base64_decode("Zg"), std::optional<std::string>("f"));
  EXPECT_EQ(base64_decode("Zm9v!"), std::nullopt);      // outside the alphabet
  EXPECT_EQ(base64_decode("Z"), std::nullopt);          // no encoding is 1 character long
  EXPECT_EQ(base64_decode("Zg=a"), std::nullopt);       // padding inside
  EXPECT_EQ(base64_decode("Zh=="), std::nullopt);       // low bits set: no encoder writes this
  EXPECT_EQ(base64_decode("Zm9v Yg=="), std::nullopt);  // whitespace is not base64
}

}  // namespace
}  // namespace pkgstats
