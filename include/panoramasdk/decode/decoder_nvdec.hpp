#pragma once
// NVDEC, the GPU's hardware video decoder: H.264 and H.265 (8-bit 4:2:0, even sizes, up to what the
// GPU's decoder takes) into NV12 DeviceFrames that stay on the GPU in pooled device buffers.
// Fed with Annex-B elementary stream bytes (start-code prefixed NAL units, as in .h264/.h265 files,
// RTSP, or MP4 after FFmpeg's mp4toannexb filter): NVDEC's own parser finds the pictures, so the bytes
// may be cut anywhere. libcuda and libnvcuvid are opened at run time (FFmpeg's ffnvcodec loader): a
// build with NVDEC runs on machines without them, where nvdec_unavailable_reason() says what is missing.
// A decoder is used by one thread; several decoders (one per stream) share the GPU, whose driver
// spreads them over its NVDEC engines. The decoder uses the device's primary context, the one the CUDA
// runtime uses, so frames feed our kernels (preprocess_cuda, yuv_to_bgr_cuda) directly.
// In a build without NVDEC every entry point raises Error(NoCuda) "built without NVDEC".
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "panoramasdk/decode/device_frame.hpp"

namespace panorama {

enum class NvdecCodec { H264, H265 };

// "h264" / "avc" -> H264, "h265" / "hevc" -> H265 (any case); Error(Unsupported) naming the codec otherwise.
NvdecCodec nvdec_codec_from_name(const std::string& name);
const char* nvdec_codec_name(NvdecCodec codec) noexcept;  // "h264" or "hevc"

// Why NVDEC cannot be used on CUDA device `device` ("" when it can), naming what is missing: built
// without NVDEC, no NVIDIA driver (libcuda.so.1), no libnvcuvid.so.1, no such device. Loads the
// driver libraries on its first call. Whether the GPU decodes a given codec is known only when a
// decoder is made (its constructor throws Error(Unsupported)).
std::string nvdec_unavailable_reason(int device = 0);

struct NvdecOptions {
  int device = 0;         // CUDA device index
  int display_delay = 1;  // pictures the parser holds before display: 0 = lowest latency, 1-4 overlap
                          // decoding the next picture with copying out this one
  size_t pool_size = 8;   // idle device frames kept for reuse (frames the app holds are extra)
  std::shared_ptr<FramePool> host_pool;  // where DeviceFrame::bgr() puts its frames (null: the decoder's own)
};

class NvdecDecoder {
 public:
  using FrameCallback = std::function<void(DeviceFramePtr frame)>;

  // Throws Error(NoCuda) when NVDEC is unavailable (the message is nvdec_unavailable_reason()),
  // Error(Unsupported) when this GPU does not decode `codec`. `what` names the stream in messages.
  NvdecDecoder(NvdecCodec codec, std::string what, NvdecOptions options = {});
  ~NvdecDecoder();
  NvdecDecoder(const NvdecDecoder&) = delete;
  NvdecDecoder& operator=(const NvdecDecoder&) = delete;

  // Parses `size` bytes of the stream and calls on_frame for each picture that became ready, in display
  // order. `pts` (any unit, kept as given; INT64_MIN = unknown) belongs to the picture starting in these
  // bytes; a stream fed without any time stamp gives frames with pts INT64_MIN. `whole_picture` says the
  // bytes are exactly one picture (a demuxed packet), which lets the parser hand it on without waiting
  // for the next one. Corrupt data is counted in errors(), never thrown. Throws Error(Unsupported) for a
  // stream this GPU cannot decode (10-bit, 4:2:2, odd or too large sizes), Error(Internal/NoCuda) when
  // the driver fails. An exception from on_frame is rethrown.
  void decode(const uint8_t* data, size_t size, int64_t pts, const FrameCallback& on_frame,
              bool whole_picture = false);

  // End of stream: delivers the pictures still held. decode() may start a new stream afterwards.
  void flush(const FrameCallback& on_frame);

  // Decodes a whole Annex-B file (read in chunks) and flushes; returns the number of frames delivered.
  // Throws Error(NotFound/Io) for a file that cannot be read.
  int64_t decode_annexb_file(const std::string& path, const FrameCallback& on_frame);

  int64_t errors() const;           // pictures NVDEC reported as damaged, since construction
  int64_t frames() const;           // frames delivered, since construction
  std::string description() const;  // "h264 (NVDEC, NVIDIA H100 80GB HBM3)"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace panorama
