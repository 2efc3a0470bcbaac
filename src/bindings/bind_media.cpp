// _core.redact_uri, StreamOptions, Stream, StreamGroup: argument conversion and GIL release only.
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "core/ffmpeg_log.hpp"
#include "panoramasdk/core/build_info.hpp"
#include "panoramasdk/media/stream_options.hpp"
#include "panoramasdk/media/uri.hpp"
#include "panoramasdk/pipeline/stream.hpp"
#include "panoramasdk/pipeline/stream_group.hpp"

namespace panorama::bindings {

namespace {

py::dict stats_to_dict(const StreamStats& s) {
  py::dict d;
  d["state"] = stream_state_name(s.state);
  d["frames_decoded"] = s.frames_decoded;
  d["frames_delivered"] = s.frames_delivered;
  d["frames_dropped"] = s.frames_dropped;
  d["decode_errors"] = s.decode_errors;
  d["reconnects"] = s.reconnects;
  d["width"] = s.width;
  d["height"] = s.height;
  d["fps"] = s.fps;
  d["nominal_fps"] = s.nominal_fps;
  d["last_error"] = s.last_error;
  d["last_error_code"] = s.last_error_code;
  d["decoder"] = s.decoder;
  return d;
}

py::object frame_or_none(const FramePtr& frame) { return frame ? py::cast(frame) : py::none(); }

}  // namespace

void bind_media(py::module_& m) {
  install_ffmpeg_log_bridge();
  m.def("ffmpeg_versions", &ffmpeg_versions);
  m.def("redact_uri", &redact_uri, py::arg("uri"),
        "The URI without its user:password part, for display and logs: "
        "'rtsp://user:pass@10.0.0.9:554/live?x=1' -> 'rtsp://10.0.0.9:554/live?x=1'.");

  py::class_<StreamOptions>(m, "StreamOptions",
                            "How a stream is opened, read and reconnected. Checked when a Stream is made "
                            "(ValueError naming the option and the values expected).")
      .def(py::init<>())
      .def_readwrite("uri", &StreamOptions::uri,
                     "rtsp://[user:pass@]host[:port]/path, rtsps://..., a file path or file:// URI (.mp4, .mkv, "
                     "raw .h264), or testsrc://[name]?size=WxH&rate=R&frames=N (frames=0: endless)")
      .def_readwrite("username", &StreamOptions::username, "RTSP user name given apart from the URI")
      .def_readwrite("password", &StreamOptions::password, "RTSP password given apart from the URI (never shown)")
      .def_readwrite("transport", &StreamOptions::transport, "RTSP transport: 'tcp' (default) or 'udp'")
      .def_readwrite("open_timeout_s", &StreamOptions::open_timeout_s, "bound on connecting and probing, seconds")
      .def_readwrite("stall_timeout_s", &StreamOptions::stall_timeout_s,
                     "a camera with no decoded frame for this long is treated as disconnected")
      .def_readwrite("reconnect", &StreamOptions::reconnect, "cameras: retry after a failure (with backoff)")
      .def_readwrite("reconnect_initial_s", &StreamOptions::reconnect_initial_s, "first retry delay, seconds")
      .def_readwrite("reconnect_max_s", &StreamOptions::reconnect_max_s, "longest retry delay, seconds")
      .def_readwrite("realtime", &StreamOptions::realtime,
                     "files: play at the file's frame rate and keep only the newest frame, like a camera")
      .def_readwrite("decoder_threads", &StreamOptions::decoder_threads, "decoder threads; 0 = automatic")
      .def_readwrite("queue_size", &StreamOptions::queue_size, "files: frames decoded ahead of the consumer")
      .def_readwrite("decode_device", &StreamOptions::decode_device,
                     "'cpu' (libavcodec), 'cuda' or 'auto': NVDEC when usable, else libavcodec saying why once")
      .def("__repr__", [](const StreamOptions& o) {
        return "StreamOptions(uri='" + redact_uri(o.uri) + "', transport='" + o.transport +
               "', realtime=" + (o.realtime ? "True" : "False") + ")";
      });

  py::class_<Stream, std::shared_ptr<Stream>>(
      m, "Stream",
      "One video stream decoded on its own thread into BGR frames. Cameras, the test pattern and realtime "
      "files keep only the newest frame (drops are counted); files deliver every frame in order.")
      .def(py::init<StreamOptions>(), py::arg("options"))
      .def("start", &Stream::start, py::call_guard<py::gil_scoped_release>(), "Starts the stream's thread.")
      .def("stop", &Stream::stop, py::call_guard<py::gil_scoped_release>(),
           "Stops and joins the thread (promptly, even while connecting). Idempotent.")
      .def_property_readonly("display_uri", &Stream::display_uri, "The URI without credentials.")
      .def_property_readonly("is_live", &Stream::is_live, "True when only the newest frame is kept.")
      .def(
          "stats", [](const Stream& s) { return stats_to_dict(s.stats()); },
          "A dict: state, frames_decoded, frames_delivered, frames_dropped, decode_errors, reconnects, width, "
          "height, fps, nominal_fps, last_error, last_error_code, decoder ('nvdec' or 'libavcodec'; '' before "
          "the first decoder is made).")
      .def(
          "wait_for_state",
          [](const Stream& s, const std::vector<std::string>& names, double timeout_s) {
            std::vector<StreamState> states;
            for (const auto& n : names) states.push_back(stream_state_from_name(n));
            py::gil_scoped_release release;
            return std::string(stream_state_name(s.wait_for_state(states, timeout_s)));
          },
          py::arg("states"), py::arg("timeout_s"),
          "Waits until the state is one of `states` or timeout_s passes; returns the state then.")
      .def("__repr__", [](const Stream& s) {
        return "Stream('" + s.display_uri() + "', state=" + stream_state_name(s.state()) + ")";
      });

  py::class_<StreamGroup, std::shared_ptr<StreamGroup>>(
      m, "StreamGroup",
      "Reads several streams one frame set at a time. ordered=True: every frame of every stream in step "
      "(an ended stream gives None). ordered=False (live): returns as soon as any stream has a new frame, "
      "None for the others.")
      .def(py::init<std::vector<std::shared_ptr<Stream>>, bool>(), py::arg("streams"), py::arg("ordered"))
      .def("start", &StreamGroup::start, py::call_guard<py::gil_scoped_release>(), "Starts every stream.")
      .def("stop", &StreamGroup::stop, py::call_guard<py::gil_scoped_release>(), "Stops every stream.")
      .def("wait_first", &StreamGroup::wait_first, py::arg("timeout_s"), py::call_guard<py::gil_scoped_release>(),
           "Waits up to timeout_s for every stream's first frame; returns per stream whether it has one.")
      .def(
          "next_set",
          [](StreamGroup& g, double timeout_s) -> py::object {
            std::optional<std::vector<FramePtr>> set;
            {
              py::gil_scoped_release release;
              set = g.next_set(timeout_s);
            }
            if (!set) return py::none();
            py::list out;
            for (const auto& f : *set) out.append(frame_or_none(f));
            return std::move(out);
          },
          py::arg("timeout_s"),
          "One Frame (or None) per stream; [] when timeout_s passed first; None when every stream has ended.")
      .def_property_readonly("streams", &StreamGroup::streams)
      .def_property_readonly("ordered", &StreamGroup::ordered);
}

}  // namespace panorama::bindings
