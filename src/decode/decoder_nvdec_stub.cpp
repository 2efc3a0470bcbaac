// Linked in builds without NVDEC (no CUDA toolkit or no ffnvcodec headers): every NVDEC entry point
// raises "built without NVDEC", and make_decoder falls back to libavcodec saying so.
#include "decode/decoder_nvdec_packets.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/decode/decoder_nvdec.hpp"

namespace panorama {

namespace {

const char* const kBuiltWithout =
    "panoramasdk was built without NVDEC (it needs the CUDA toolkit and FFmpeg's ffnvcodec headers at build "
    "time: apt-get install libffmpeg-nvenc-dev, then rebuild with PANORAMA_WITH_NVDEC=AUTO or ON)";

[[noreturn]] void throw_no_nvdec() { fail(ErrorCode::NoCuda, kBuiltWithout); }

}  // namespace

struct NvdecDecoder::Impl {};

std::string nvdec_unavailable_reason(int) { return kBuiltWithout; }

NvdecDecoder::NvdecDecoder(NvdecCodec, std::string what, NvdecOptions) {
  fail(ErrorCode::NoCuda, what + ": NVDEC is unavailable: " + kBuiltWithout);  // as the real decoder says it
}
NvdecDecoder::~NvdecDecoder() = default;
void NvdecDecoder::decode(const uint8_t*, size_t, int64_t, const FrameCallback&, bool) { throw_no_nvdec(); }
void NvdecDecoder::flush(const FrameCallback&) { throw_no_nvdec(); }
int64_t NvdecDecoder::decode_annexb_file(const std::string&, const FrameCallback&) { throw_no_nvdec(); }
int64_t NvdecDecoder::errors() const { throw_no_nvdec(); }
int64_t NvdecDecoder::frames() const { throw_no_nvdec(); }
std::string NvdecDecoder::description() const { throw_no_nvdec(); }

std::unique_ptr<Decoder> make_nvdec_packet_decoder(const DecoderConfig& config, std::shared_ptr<FramePool>) {
  fail(ErrorCode::NoCuda, config.what + ": NVDEC is unavailable: " + kBuiltWithout);
}

}  // namespace panorama
