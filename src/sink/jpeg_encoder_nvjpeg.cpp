#include "sink/jpeg_encoder_nvjpeg.hpp"

#include <dlfcn.h>
#include <nvjpeg.h>

#include <cstdlib>
#include <string>

#include "core/cuda_check.hpp"
#include "panoramasdk/core/cuda_device.hpp"
#include "panoramasdk/core/error.hpp"

namespace panorama::sink_detail {

namespace {

// The nvJPEG calls the encoder makes, typed by the header, resolved from the library opened at run time.
struct NvjpegApi {
  decltype(&nvjpegCreateSimple) create_simple = nullptr;
  decltype(&nvjpegDestroy) destroy = nullptr;
  decltype(&nvjpegEncoderStateCreate) state_create = nullptr;
  decltype(&nvjpegEncoderStateDestroy) state_destroy = nullptr;
  decltype(&nvjpegEncoderParamsCreate) params_create = nullptr;
  decltype(&nvjpegEncoderParamsDestroy) params_destroy = nullptr;
  decltype(&nvjpegEncoderParamsSetQuality) set_quality = nullptr;
  decltype(&nvjpegEncoderParamsSetSamplingFactors) set_sampling = nullptr;
  decltype(&nvjpegEncodeImage) encode_image = nullptr;
  decltype(&nvjpegEncodeRetrieveBitstream) retrieve_bitstream = nullptr;
  std::string library;  // what was opened
  std::string missing;  // why it could not be used ("" when it can)
};

template <class F>
bool resolve(void* handle, const char* name, F& fn, std::string& missing) {
  fn = reinterpret_cast<F>(dlsym(handle, name));
  if (!fn && missing.empty()) missing = "it has no " + std::string(name);
  return fn != nullptr;
}

NvjpegApi load_api() {
  NvjpegApi api;
  const char* chosen = std::getenv("PANORAMA_NVJPEG_LIBRARY");
  // nvJPEG's ABI follows the CUDA major version: the soname this build's header belongs to.
  const std::string soname = "libnvjpeg.so." + std::to_string(CUDART_VERSION / 1000);
  api.library = chosen && *chosen ? chosen : soname;
  // Kept open for the life of the process: encoders may be made and dropped at any time.
  void* handle = dlopen(api.library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    api.missing = api.library + " cannot be opened (" + (why ? why : "unknown reason") +
                  "): install the CUDA toolkit's nvJPEG, or pip install nvidia-nvjpeg and set "
                  "PANORAMA_NVJPEG_LIBRARY to its " + soname;
    return api;
  }
  std::string missing;
  resolve(handle, "nvjpegCreateSimple", api.create_simple, missing);
  resolve(handle, "nvjpegDestroy", api.destroy, missing);
  resolve(handle, "nvjpegEncoderStateCreate", api.state_create, missing);
  resolve(handle, "nvjpegEncoderStateDestroy", api.state_destroy, missing);
  resolve(handle, "nvjpegEncoderParamsCreate", api.params_create, missing);
  resolve(handle, "nvjpegEncoderParamsDestroy", api.params_destroy, missing);
  resolve(handle, "nvjpegEncoderParamsSetQuality", api.set_quality, missing);
  resolve(handle, "nvjpegEncoderParamsSetSamplingFactors", api.set_sampling, missing);
  resolve(handle, "nvjpegEncodeImage", api.encode_image, missing);
  resolve(handle, "nvjpegEncodeRetrieveBitstream", api.retrieve_bitstream, missing);
  if (!missing.empty()) api.missing = api.library + " is not a usable nvJPEG: " + missing;
  return api;
}

const NvjpegApi& api() {
  static const NvjpegApi loaded = load_api();
  return loaded;
}

void check(nvjpegStatus_t status, const char* call) {
  if (status != NVJPEG_STATUS_SUCCESS)
    throw Error(ErrorCode::Internal, std::string("nvJPEG: ") + call + " failed with status " + std::to_string(status));
}

}  // namespace

std::string nvjpeg_unavailable_reason() {
  if (!api().missing.empty()) return api().missing;
  return cuda_unavailable_reason();
}

struct NvjpegEncoder::Impl {
  const NvjpegApi& nv = api();
  nvjpegHandle_t handle = nullptr;
  nvjpegEncoderState_t state = nullptr;
  nvjpegEncoderParams_t params = nullptr;

  ~Impl() {
    if (params) nv.params_destroy(params);
    if (state) nv.state_destroy(state);
    if (handle) nv.destroy(handle);
  }
};

NvjpegEncoder::NvjpegEncoder(int quality) {
  const std::string missing = nvjpeg_unavailable_reason();
  if (!missing.empty()) throw Error(ErrorCode::Unsupported, "nvJPEG: " + missing);
  if (quality < 1 || quality > 100)
    throw Error(ErrorCode::InvalidArgument, "JPEG quality must be in 1..100, got " + std::to_string(quality));
  auto impl = std::make_unique<Impl>();
  const NvjpegApi& nv = impl->nv;
  check(nv.create_simple(&impl->handle), "nvjpegCreateSimple");
  check(nv.state_create(impl->handle, &impl->state, nullptr), "nvjpegEncoderStateCreate");
  check(nv.params_create(impl->handle, &impl->params, nullptr), "nvjpegEncoderParamsCreate");
  check(nv.set_quality(impl->params, quality, nullptr), "nvjpegEncoderParamsSetQuality");
  check(nv.set_sampling(impl->params, NVJPEG_CSS_420, nullptr), "nvjpegEncoderParamsSetSamplingFactors");
  impl_ = std::move(impl);
}

NvjpegEncoder::~NvjpegEncoder() = default;

std::vector<uint8_t> NvjpegEncoder::encode(const uint8_t* device_bgr, int width, int height, size_t pitch,
                                           CudaStreamHandle stream) {
  const NvjpegApi& nv = impl_->nv;
  nvjpegImage_t image{};
  image.channel[0] = const_cast<unsigned char*>(device_bgr);  // read only; the API has no const
  image.pitch[0] = pitch;
  check(nv.encode_image(impl_->handle, impl_->state, impl_->params, &image, NVJPEG_INPUT_BGRI, width, height, stream),
        "nvjpegEncodeImage");
  // The length first (the encoder must have finished), then the bytes: nvJPEG's own two-step retrieval.
  size_t length = 0;
  check(nv.retrieve_bitstream(impl_->handle, impl_->state, nullptr, &length, stream), "nvjpegEncodeRetrieveBitstream");
  cuda_check(cudaStreamSynchronize(stream), "nvJPEG encode: cudaStreamSynchronize");
  std::vector<uint8_t> bytes(length);
  check(nv.retrieve_bitstream(impl_->handle, impl_->state, bytes.data(), &length, stream),
        "nvjpegEncodeRetrieveBitstream");
  cuda_check(cudaStreamSynchronize(stream), "nvJPEG encode: cudaStreamSynchronize");
  bytes.resize(length);
  return bytes;
}

}  // namespace panorama::sink_detail
