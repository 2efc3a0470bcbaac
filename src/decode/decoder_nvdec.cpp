// NVDEC through the driver API (cuvid parser -> cuvid decoder -> mapped surface), every handle owned by
// RAII. Each displayed picture is copied device-to-device, on the decoder's own stream, out of the
// mapped NVDEC surface into a pooled NV12 buffer, then the surface is unmapped at once: NVDEC has only
// a few output surfaces, while the app may keep frames for as long as it likes.
#include "panoramasdk/decode/decoder_nvdec.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "decode/nvdec_driver.hpp"
#include "panoramasdk/core/cuda_buffer_pool.hpp"
#include "panoramasdk/core/error.hpp"

namespace panorama {

namespace {

constexpr size_t kPitchAlignment = 256;     // rows of our NV12 buffers start 256-byte aligned
constexpr size_t kFileChunk = 1 << 20;      // decode_annexb_file reads 1 MiB at a time

const NvdecDriver& require_driver(const std::string& what) {
  std::string reason;
  const NvdecDriver* driver = nvdec_driver(&reason);
  if (!driver) fail(ErrorCode::NoCuda, what + ": NVDEC is unavailable: " + reason);
  return *driver;
}

cudaVideoCodec cuvid_codec(NvdecCodec codec) {
  return codec == NvdecCodec::H264 ? cudaVideoCodec_H264 : cudaVideoCodec_HEVC;
}

const char* chroma_name(cudaVideoChromaFormat format) {
  switch (format) {
    case cudaVideoChromaFormat_Monochrome: return "4:0:0";
    case cudaVideoChromaFormat_420: return "4:2:0";
    case cudaVideoChromaFormat_422: return "4:2:2";
    default: return "4:4:4";
  }
}

struct ParserDestroy {
  const NvdecDriver* driver;
  void operator()(void* parser) const noexcept { driver->cuvid->cuvidDestroyVideoParser(parser); }
};
struct DecoderDestroy {
  const NvdecDriver* driver;
  void operator()(void* decoder) const noexcept { driver->cuvid->cuvidDestroyDecoder(decoder); }
};
struct StreamDestroy {
  const NvdecDriver* driver;
  void operator()(CUstream_st* stream) const noexcept { driver->cu->cuStreamDestroy(stream); }
};

// A mapped NVDEC output surface, unmapped when the scope ends.
class MappedSurface {
 public:
  MappedSurface(const NvdecDriver& driver, CUvideodecoder decoder, int picture, CUVIDPROCPARAMS& params,
                const std::string& what)
      : driver_(driver), decoder_(decoder) {
    nvdec_check(driver, driver.cuvid->cuvidMapVideoFrame(decoder, picture, &pointer_, &pitch_, &params),
                what + ": cuvidMapVideoFrame");
  }
  ~MappedSurface() { driver_.cuvid->cuvidUnmapVideoFrame(decoder_, pointer_); }
  MappedSurface(const MappedSurface&) = delete;
  MappedSurface& operator=(const MappedSurface&) = delete;
  CUdeviceptr pointer() const noexcept { return pointer_; }
  size_t pitch() const noexcept { return pitch_; }

 private:
  const NvdecDriver& driver_;
  CUvideodecoder decoder_;
  CUdeviceptr pointer_ = 0;
  unsigned int pitch_ = 0;
};

}  // namespace

struct NvdecDecoder::Impl {
  const NvdecDriver& driver;
  NvdecCodec codec;
  std::string what;
  NvdecOptions options;
  PrimaryContext context;
  std::unique_ptr<CUstream_st, StreamDestroy> stream{nullptr, StreamDestroy{&driver}};
  std::unique_ptr<void, DecoderDestroy> decoder{nullptr, DecoderDestroy{&driver}};
  std::unique_ptr<void, ParserDestroy> parser{nullptr, ParserDestroy{&driver}};
  DeviceFrame::Pools pools;
  std::string device_name;

  // The decoder's shape, from the last sequence header.
  CUVIDEOFORMAT format{};
  int surfaces = 0;
  int width = 0, height = 0;  // displayed (cropped) size = our frames' size
  bool full_range = false;

  int64_t errors = 0;
  int64_t frames = 0;
  bool timestamps = false;  // some input came with a time stamp (else every frame's pts is unknown)
  const FrameCallback* on_frame = nullptr;  // set while the parser runs
  std::exception_ptr failure;               // thrown inside a parser callback, rethrown after it

  Impl(NvdecCodec codec_, std::string what_, NvdecOptions options_)
      : driver(require_driver(what_)),
        codec(codec_),
        what(std::move(what_)),
        options(options_),
        context(driver, options.device) {
    ContextScope current(driver, context.get());
    CUstream s = nullptr;
    nvdec_check(driver, driver.cu->cuStreamCreate(&s, CU_STREAM_NON_BLOCKING), what + ": cuStreamCreate");
    stream.reset(s);
    char name[256] = {};
    if (driver.cu->cuDeviceGetName(name, sizeof name, context.device()) == CUDA_SUCCESS) device_name = name;
    // Refuse a codec the GPU lacks now, so make_decoder can fall back before any packet is read.
    CUVIDDECODECAPS caps{};
    caps.eCodecType = cuvid_codec(codec);
    caps.eChromaFormat = cudaVideoChromaFormat_420;
    caps.nBitDepthMinus8 = 0;
    if (query_caps(caps) && !caps.bIsSupported)
      fail(ErrorCode::Unsupported, what + ": the NVDEC of " + device_name + " does not decode " +
                                       nvdec_codec_name(codec) + " 8-bit 4:2:0");
    pools.device = make_cuda_buffer_pool(MemoryKind::Device, options.pool_size);
    pools.host = options.host_pool ? options.host_pool : FramePool::create(4);
  }

  ~Impl() {
    // The driver wants the context current while its objects are destroyed.
    CUcontext ctx = context.get();
    if (driver.cu->cuCtxPushCurrent(ctx) != CUDA_SUCCESS) return;
    parser.reset();
    decoder.reset();
    stream.reset();
    CUcontext popped = nullptr;
    driver.cu->cuCtxPopCurrent(&popped);
  }

  // False when this driver has no cuvidGetDecoderCaps (very old drivers): the decoder then finds out.
  bool query_caps(CUVIDDECODECAPS& caps) {
    if (!driver.cuvid->cuvidGetDecoderCaps) return false;
    nvdec_check(driver, driver.cuvid->cuvidGetDecoderCaps(&caps), what + ": cuvidGetDecoderCaps");
    return true;
  }

  void ensure_parser() {
    if (parser) return;
    CUVIDPARSERPARAMS params{};
    params.CodecType = cuvid_codec(codec);
    params.ulMaxNumDecodeSurfaces = 1;  // the sequence callback returns the real number
    params.ulErrorThreshold = 100;      // decode damaged pictures too (concealed), as libavcodec does
    params.ulMaxDisplayDelay = static_cast<unsigned>(std::clamp(options.display_delay, 0, 4));
    params.pUserData = this;
    params.pfnSequenceCallback = &Impl::sequence_callback;
    params.pfnDecodePicture = &Impl::decode_callback;
    params.pfnDisplayPicture = &Impl::display_callback;
    CUvideoparser p = nullptr;
    nvdec_check(driver, driver.cuvid->cuvidCreateVideoParser(&p, &params), what + ": cuvidCreateVideoParser");
    parser.reset(p);
  }

  static int CUDAAPI sequence_callback(void* self, CUVIDEOFORMAT* format) {
    auto* me = static_cast<Impl*>(self);
    return me->guard([&] { return me->on_sequence(*format); });
  }
  static int CUDAAPI decode_callback(void* self, CUVIDPICPARAMS* picture) {
    auto* me = static_cast<Impl*>(self);
    return me->guard([&] { return me->on_decode(*picture); });
  }
  static int CUDAAPI display_callback(void* self, CUVIDPARSERDISPINFO* shown) {
    auto* me = static_cast<Impl*>(self);
    return me->guard([&] { return me->on_display(shown); });
  }

  // Parser callbacks return 0 to stop the parser; exceptions must not cross its C frames.
  template <class F>
  int guard(F&& body) noexcept {
    if (failure) return 0;
    try {
      return body();
    } catch (...) {
      failure = std::current_exception();
      return 0;
    }
  }

  int on_sequence(const CUVIDEOFORMAT& f) {
    const int shown_width = f.display_area.right - f.display_area.left;
    const int shown_height = f.display_area.bottom - f.display_area.top;
    const std::string stream_text = std::string(nvdec_codec_name(codec)) + " " + std::to_string(shown_width) + "x" +
                                    std::to_string(shown_height) + " " + chroma_name(f.chroma_format) + " " +
                                    std::to_string(8 + f.bit_depth_luma_minus8) + "-bit";
    if (f.chroma_format != cudaVideoChromaFormat_420 || f.bit_depth_luma_minus8 != 0 || f.bit_depth_chroma_minus8 != 0)
      fail(ErrorCode::Unsupported, what + ": the stream is " + stream_text + "; the NVDEC decoder takes 8-bit 4:2:0");
    if (shown_width <= 0 || shown_height <= 0 || shown_width % 2 || shown_height % 2)
      fail(ErrorCode::Unsupported, what + ": the stream is " + stream_text + "; NV12 frames need even sizes");
    CUVIDDECODECAPS caps{};
    caps.eCodecType = f.codec;
    caps.eChromaFormat = f.chroma_format;
    caps.nBitDepthMinus8 = f.bit_depth_luma_minus8;
    if (query_caps(caps)) {
      const uint64_t macroblocks = static_cast<uint64_t>(f.coded_width >> 4) * (f.coded_height >> 4);
      if (!caps.bIsSupported || f.coded_width > caps.nMaxWidth || f.coded_height > caps.nMaxHeight ||
          macroblocks > caps.nMaxMBCount || f.coded_width < caps.nMinWidth || f.coded_height < caps.nMinHeight)
        fail(ErrorCode::Unsupported, what + ": the NVDEC of " + device_name + " does not decode " + stream_text +
                                         " (coded " + std::to_string(f.coded_width) + "x" +
                                         std::to_string(f.coded_height) + "; it takes " +
                                         std::to_string(caps.nMinWidth) + "x" + std::to_string(caps.nMinHeight) +
                                         " to " + std::to_string(caps.nMaxWidth) + "x" +
                                         std::to_string(caps.nMaxHeight) + ")");
    }
    // The parser's minimum, plus room for the display delay and the picture being copied out.
    const int needed = (f.min_num_decode_surfaces ? f.min_num_decode_surfaces : 16) + 3;
    const bool same = decoder && f.codec == format.codec && f.coded_width == format.coded_width &&
                      f.coded_height == format.coded_height && f.chroma_format == format.chroma_format &&
                      f.display_area.left == format.display_area.left &&
                      f.display_area.top == format.display_area.top &&
                      f.display_area.right == format.display_area.right &&
                      f.display_area.bottom == format.display_area.bottom && needed <= surfaces &&
                      f.progressive_sequence == format.progressive_sequence;
    full_range = f.video_signal_description.video_full_range_flag != 0;
    if (same) return surfaces;

    decoder.reset();  // a new size: every picture of the old one has been shown (the parser flushed it)
    CUVIDDECODECREATEINFO info{};
    info.CodecType = f.codec;
    info.ChromaFormat = f.chroma_format;
    info.OutputFormat = cudaVideoSurfaceFormat_NV12;
    info.bitDepthMinus8 = 0;
    info.DeinterlaceMode = f.progressive_sequence ? cudaVideoDeinterlaceMode_Weave : cudaVideoDeinterlaceMode_Adaptive;
    info.ulCreationFlags = cudaVideoCreate_PreferCUVID;
    info.ulNumDecodeSurfaces = static_cast<unsigned>(needed);
    info.ulNumOutputSurfaces = 2;  // copied out and unmapped at once
    info.ulWidth = info.ulMaxWidth = f.coded_width;
    info.ulHeight = info.ulMaxHeight = f.coded_height;
    info.display_area.left = static_cast<short>(f.display_area.left);
    info.display_area.top = static_cast<short>(f.display_area.top);
    info.display_area.right = static_cast<short>(f.display_area.right);
    info.display_area.bottom = static_cast<short>(f.display_area.bottom);
    info.ulTargetWidth = static_cast<unsigned>(shown_width);  // cropped, not scaled
    info.ulTargetHeight = static_cast<unsigned>(shown_height);
    CUvideodecoder d = nullptr;
    nvdec_check(driver, driver.cuvid->cuvidCreateDecoder(&d, &info), what + ": cuvidCreateDecoder for " + stream_text);
    decoder.reset(d);
    format = f;
    surfaces = needed;
    width = shown_width;
    height = shown_height;
    return surfaces;
  }

  int on_decode(CUVIDPICPARAMS& picture) {
    if (!decoder) fail(ErrorCode::Internal, what + ": a picture came before any sequence header");
    // A picture NVDEC refuses is counted and skipped; a lost device fails the next map or copy.
    if (driver.cuvid->cuvidDecodePicture(decoder.get(), &picture) != CUDA_SUCCESS) ++errors;
    return 1;
  }

  int on_display(const CUVIDPARSERDISPINFO* shown) {
    if (!shown) return 1;  // the end-of-stream notice (not asked for)
    CUVIDPROCPARAMS params{};
    params.progressive_frame = shown->progressive_frame;
    params.second_field = shown->repeat_first_field + 1;
    params.top_field_first = shown->top_field_first;
    params.unpaired_field = shown->repeat_first_field < 0;
    params.output_stream = stream.get();

    CUVIDGETDECODESTATUS status{};
    if (driver.cuvid->cuvidGetDecodeStatus(decoder.get(), shown->picture_index, &status) == CUDA_SUCCESS &&
        (status.decodeStatus == cuvidDecodeStatus_Error || status.decodeStatus == cuvidDecodeStatus_Error_Concealed))
      ++errors;  // damaged but concealed pictures are still shown, as on the CPU path

    const size_t pitch = (static_cast<size_t>(width) + kPitchAlignment - 1) / kPitchAlignment * kPitchAlignment;
    BufferPtr buffer = pools.device->acquire(pitch * static_cast<size_t>(height) * 3 / 2);
    {
      MappedSurface surface(driver, decoder.get(), shown->picture_index, params, what);
      // NVDEC's chroma starts after the (even) surface height, which is our target height.
      const size_t surface_rows = (static_cast<size_t>(height) + 1) & ~size_t{1};
      const CUdeviceptr dst = reinterpret_cast<CUdeviceptr>(buffer->data);
      copy_plane(surface.pointer(), surface.pitch(), dst, pitch, height);
      copy_plane(surface.pointer() + surface.pitch() * surface_rows, surface.pitch(), dst + pitch * height, pitch,
                 height / 2);
      // The surface goes back to NVDEC when unmapped: the copies must be done by then.
      nvdec_check(driver, driver.cu->cuStreamSynchronize(stream.get()), what + ": cuStreamSynchronize");
    }
    auto frame = std::make_shared<DeviceFrame>(width, height, pitch, std::move(buffer), full_range,
                                               options.device, pools);
    frame->pts = timestamps ? shown->timestamp : INT64_MIN;
    frame->index = frames++;
    (*on_frame)(std::move(frame));
    return 1;
  }

  void copy_plane(CUdeviceptr src, size_t src_pitch, CUdeviceptr dst, size_t dst_pitch, int rows) {
    CUDA_MEMCPY2D copy{};
    copy.srcMemoryType = CU_MEMORYTYPE_DEVICE;
    copy.srcDevice = src;
    copy.srcPitch = src_pitch;
    copy.dstMemoryType = CU_MEMORYTYPE_DEVICE;
    copy.dstDevice = dst;
    copy.dstPitch = dst_pitch;
    copy.WidthInBytes = static_cast<size_t>(width);
    copy.Height = static_cast<size_t>(rows);
    nvdec_check(driver, driver.cu->cuMemcpy2DAsync(&copy, stream.get()), what + ": cuMemcpy2DAsync");
  }

  void parse(CUVIDSOURCEDATAPACKET& packet, const FrameCallback& callback) {
    on_frame = &callback;
    failure = nullptr;
    const CUresult status = driver.cuvid->cuvidParseVideoData(parser.get(), &packet);
    on_frame = nullptr;
    if (failure) {
      parser.reset();  // stopped mid-picture: the next decode() starts a fresh parser
      std::rethrow_exception(std::exchange(failure, nullptr));
    }
    nvdec_check(driver, status, what + ": cuvidParseVideoData");
  }
};

NvdecDecoder::NvdecDecoder(NvdecCodec codec, std::string what, NvdecOptions options)
    : impl_(std::make_unique<Impl>(codec, std::move(what), options)) {}

NvdecDecoder::~NvdecDecoder() = default;

void NvdecDecoder::decode(const uint8_t* data, size_t size, int64_t pts, const FrameCallback& on_frame,
                          bool whole_picture) {
  if (size == 0) return;  // an empty packet would read as the end of the stream
  if (!data) fail(ErrorCode::InvalidArgument, impl_->what + ": decode() got a null pointer for " +
                                                  std::to_string(size) + " bytes");
  ContextScope current(impl_->driver, impl_->context.get());
  impl_->ensure_parser();
  CUVIDSOURCEDATAPACKET packet{};
  packet.payload = data;
  packet.payload_size = size;
  packet.flags = whole_picture ? CUVID_PKT_ENDOFPICTURE : 0;
  if (pts != INT64_MIN) {
    packet.flags |= CUVID_PKT_TIMESTAMP;
    packet.timestamp = pts;
    impl_->timestamps = true;
  }
  impl_->parse(packet, on_frame);
}

void NvdecDecoder::flush(const FrameCallback& on_frame) {
  if (!impl_->parser) return;
  ContextScope current(impl_->driver, impl_->context.get());
  CUVIDSOURCEDATAPACKET packet{};
  packet.flags = CUVID_PKT_ENDOFSTREAM;
  impl_->parse(packet, on_frame);
  impl_->parser.reset();  // a parser that saw the end takes no more data; the decoder is kept
}

int64_t NvdecDecoder::decode_annexb_file(const std::string& path, const FrameCallback& on_frame) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    fail(ErrorCode::NotFound, impl_->what + ": no such file " + path + " (expected an Annex-B .h264/.h265 stream)");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::Io, impl_->what + ": cannot open " + path);
  const int64_t before = impl_->frames;
  std::vector<uint8_t> chunk(kFileChunk);
  while (in) {
    in.read(reinterpret_cast<char*>(chunk.data()), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got) decode(chunk.data(), got, INT64_MIN, on_frame);
  }
  if (in.bad()) fail(ErrorCode::Io, impl_->what + ": reading " + path + " failed");
  flush(on_frame);
  return impl_->frames - before;
}

int64_t NvdecDecoder::errors() const { return impl_->errors; }

int64_t NvdecDecoder::frames() const { return impl_->frames; }

std::string NvdecDecoder::description() const {
  return std::string(nvdec_codec_name(impl_->codec)) + " (NVDEC on " + impl_->device_name + ")";
}

std::string nvdec_unavailable_reason(int device) {
  std::string reason;
  const NvdecDriver* driver = nvdec_driver(&reason);
  if (!driver) return reason;
  int count = 0;
  const CUresult status = driver->cu->cuDeviceGetCount(&count);
  if (status != CUDA_SUCCESS)
    return "cuDeviceGetCount failed (CUDA error " + std::to_string(static_cast<int>(status)) + ")";
  if (count == 0) return "no CUDA device found";
  if (device < 0 || device >= count)
    return "no CUDA device " + std::to_string(device) + " (this machine has " + std::to_string(count) + ")";
  return "";
}

}  // namespace panorama
