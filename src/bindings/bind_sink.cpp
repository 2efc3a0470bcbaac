// panoramasdk._core.OutputOptions and OutputChain (compose -> record / live-view JPEG), nvjpeg_unavailable_reason.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "bindings/frame_convert.hpp"
#include "bindings/overlay_convert.hpp"
#include "panoramasdk/core/error.hpp"
#include "panoramasdk/sink/output_chain.hpp"
#include "sink/jpeg_encoder_nvjpeg.hpp"

namespace panorama::bindings {

void bind_sink(py::module_& m) {
  m.def("nvjpeg_unavailable_reason", &sink_detail::nvjpeg_unavailable_reason,
        "Why the live view cannot encode GPU frames with nvJPEG, naming what is missing ('' when it can); they "
        "are then downloaded and encoded by libavcodec.");
  py::class_<OutputOptions>(m, "OutputOptions", "Settings of one OutputChain.")
      .def(py::init<>())
      .def_readwrite("record_path", &OutputOptions::record_path,
                     "H.264 recording file (.mp4 or .mkv); empty: no recording.")
      .def_readwrite("fps", &OutputOptions::fps, "Recording frame rate (constant: frame i is at i / fps).")
      .def_readwrite("crf", &OutputOptions::crf, "H.264 constant quality 0..51 (lower is better).")
      .def_readwrite("preset", &OutputOptions::preset, "x264 speed preset, ultrafast (default) .. placebo.")
      .def_readwrite("view", &OutputOptions::view, "Produce JPEGs for the live view.")
      .def_readwrite("view_max_fps", &OutputOptions::view_max_fps, "At most this many live-view JPEGs a second.")
      .def_readwrite("jpeg_quality", &OutputOptions::jpeg_quality, "Live-view JPEG quality 1..100.")
      .def_readwrite("queue_size", &OutputOptions::queue_size, "Frames that may wait for the output thread.")
      .def_readwrite("drop_when_full", &OutputOptions::drop_when_full,
                     "When the queue is full: drop the oldest frame (live sources) instead of waiting.")
      .def_readwrite("font_path", &OutputOptions::font_path, "Label font; empty: the default font.")
      .def_readwrite("name", &OutputOptions::name, "Names the output in messages, e.g. 'video_out[0]'.")
      .def("__repr__", [](const OutputOptions& o) {
        return "OutputOptions(name=" + std::string(py::repr(py::str(o.name))) +
               ", record_path=" + std::string(py::repr(py::str(o.record_path))) + ", fps=" + std::to_string(o.fps) +
               ", view=" + (o.view ? "True" : "False") + ", queue_size=" + std::to_string(o.queue_size) +
               ", drop_when_full=" + (o.drop_when_full ? "True" : "False") + ")";
      });

  py::class_<OutputChain>(m, "OutputChain",
                          "One output on its own thread: draws each submitted frame's rectangles and labels on a "
                          "copy of the image, records it (H.264) and, while someone watches, makes live-view JPEGs.")
      .def(py::init<const OutputOptions&>(), py::arg("options"),
           "Opens the font and the recording file (errors are raised here) and starts the thread.",
           py::call_guard<py::gil_scoped_release>())
      .def(
          "submit",
          [](OutputChain& self, const py::array& image, const py::handle& rects, const py::handle& labels,
             int64_t time_stamp_us, bool fresh) {
            auto r = rects_from_python(rects);
            auto l = labels_from_python(labels);
            FramePtr frame = array_to_frame(image, self.frame_pool(), "image");
            py::gil_scoped_release release;
            self.submit(std::move(frame), std::move(r), std::move(l), time_stamp_us, fresh);
          },
          py::arg("image"), py::arg("rects"), py::arg("labels"), py::arg("time_stamp_us") = 0,
          py::arg("fresh") = true,
          "Copies image ((H, W, 3) uint8) and queues it with its overlays; the array is not touched after this "
          "returns. time_stamp_us: the picture's decode time (wall clock, µs since the epoch; 0: unknown); "
          "fresh=False marks a picture output before, left out of the latency figures. Blocks while the queue "
          "is full unless drop_when_full. Raises StoppedError after close().")
      .def(
          "submit_frame",
          [](OutputChain& self, const FramePtr& frame, const py::handle& rects, const py::handle& labels,
             int64_t time_stamp_us, bool fresh) {
            // The chain draws in place on host frames, so only its own copies (submit) may be host frames.
            if (!frame || !frame->device || frame->data)
              fail(ErrorCode::InvalidArgument, self.options().name + ": submit_frame expects a Frame on the GPU; "
                                               "use submit(image, ...) for pixels in host memory");
            auto r = rects_from_python(rects);
            auto l = labels_from_python(labels);
            py::gil_scoped_release release;
            self.submit(frame, std::move(r), std::move(l), time_stamp_us, fresh);
          },
          py::arg("frame"), py::arg("rects"), py::arg("labels"), py::arg("time_stamp_us") = 0,
          py::arg("fresh") = true,
          "Queues a decoded Frame that lives on the GPU without copying it: the chain draws on the GPU when a "
          "sink needs the picture. Arguments and blocking as submit().")
      .def(
          "wait_jpeg",
          [](OutputChain& self, int64_t after_sequence, double timeout_s) -> py::object {
            std::optional<JpegImage> jpeg;
            {
              py::gil_scoped_release release;
              jpeg = self.wait_jpeg(after_sequence, timeout_s);
            }
            if (!jpeg) return py::none();
            return py::make_tuple(jpeg->sequence,
                                  py::bytes(reinterpret_cast<const char*>(jpeg->bytes->data()), jpeg->bytes->size()));
          },
          py::arg("after_sequence"), py::arg("timeout_s"),
          "(sequence, jpeg_bytes) of the newest JPEG with sequence > after_sequence, waiting up to timeout_s; None "
          "on timeout or after close(). Marks the view as watched for 2 s. ValueError when the view is off.")
      .def("set_view_active", &OutputChain::set_view_active, py::arg("active"),
           "Keep making JPEGs even when nobody called wait_jpeg() lately.")
      .def(
          "stats",
          [](const OutputChain& self) {
            OutputStats s = self.stats();
            py::dict d;
            d["frames_submitted"] = s.frames_submitted;
            d["frames_composed"] = s.frames_composed;
            d["frames_encoded"] = s.frames_encoded;
            d["frames_dropped"] = s.frames_dropped;
            d["jpeg_sequence"] = s.jpeg_sequence;
            d["last_error"] = s.last_error;
            d["overlay_s"] = s.overlay_s;
            d["encode_s"] = s.encode_s;
            d["jpeg_s"] = s.jpeg_s;
            d["jpeg_encoder"] = s.jpeg_encoder;
            d["latency_count"] = s.latency.count;
            d["latency_p50_us"] = s.latency.p50_us;
            d["latency_p99_us"] = s.latency.p99_us;
            d["latency_max_us"] = s.latency.max_us;
            d["latency_mean_us"] = s.latency.mean_us;
            return d;
          },
          "dict(frames_submitted, frames_composed, frames_encoded, frames_dropped, jpeg_sequence, last_error, "
          "overlay_s, encode_s, jpeg_s (chain-thread seconds, all frames), jpeg_encoder (what made the newest JPEG: "
          "'nvjpeg' on the GPU, 'libavcodec', or '' before the first), latency_count, latency_p50_us, latency_p99_us, "
          "latency_max_us, latency_mean_us (submit's time stamp to done with the frame, wall clock; frames with "
          "time stamp 0 are not counted)).")
      .def("close", &OutputChain::close, py::call_guard<py::gil_scoped_release>(),
           "Processes every queued frame, finalises the recording and stops the thread. Idempotent.")
      .def_property_readonly("closed", &OutputChain::closed,
                             "True once close() has begun (submit raises, wait_jpeg returns at once).")
      .def_property_readonly(
          "options", [](const OutputChain& self) { return self.options(); }, "A copy of the options.")
      .def("__enter__", [](OutputChain& self) -> OutputChain& { return self; }, py::return_value_policy::reference)
      .def(
          "__exit__",
          [](OutputChain& self, const py::args&) {
            py::gil_scoped_release release;
            self.close();
          },
          "close()");
}

}  // namespace panorama::bindings
