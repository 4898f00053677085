#include "search/binary_io.h"

namespace pkgstats::search {

BinaryWriter::BinaryWriter(std::FILE* file) : file_(file), hash_(XXH3_createState()) {
  XXH3_64bits_reset(hash_);
}

BinaryWriter::~BinaryWriter() { XXH3_freeState(hash_); }

void BinaryWriter::bytes(const void* data, size_t size) {
  if (!ok_ || size == 0) return;
  XXH3_64bits_update(hash_, data, size);
  ok_ = std::fwrite(data, 1, size, file_) == size;
  written_ += size;
}

uint64_t BinaryWriter::digest() const { return XXH3_64bits_digest(hash_); }

}  // namespace pkgstats::search
