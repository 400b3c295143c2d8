// A libuv stream (TCP socket, pipe or terminal) with owned write buffers, read callbacks and
// backpressure figures. The owner keeps the Stream alive until its loop has finished running.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace s2j {

class Stream {
 public:
  using DataCallback = std::function<void(std::string_view)>;
  using EndCallback = std::function<void(int status)>;  // UV_EOF or a libuv error
  using Callback = std::function<void()>;
  using StatusCallback = std::function<void(int status)>;

  Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Each returns 0 or a libuv error.
  int init_tcp(uv_loop_t* loop);
  int init_pipe(uv_loop_t* loop);
  // Wraps an open descriptor (a terminal or a pipe).
  int open_fd(uv_loop_t* loop, int fd);
  uv_stream_t* handle() { return handle_; }
  bool is_open() const { return handle_ != nullptr && !closing_; }

  int start_reading(DataCallback on_data, EndCallback on_end);
  int pause();
  int resume();
  bool paused() const { return paused_; }

  // Writes all of `data`; what the kernel does not take at once is queued. `data` is left empty with
  // a buffer to fill next (its own, or one a finished write gave back), so that a busy stream does
  // not allocate per write. Returns 0 or a libuv error.
  int write(std::string& data);
  int write(std::string&& data) { return write(data); }
  size_t queued() const;
  // Called after a queued write completes (to lift backpressure), and when one fails.
  void on_written(Callback cb) { on_written_ = std::move(cb); }
  void on_write_error(StatusCallback cb) { on_write_error_ = std::move(cb); }

  // Half-closes once the queued writes are done; `done` gets 0 or a libuv error (at once when the
  // stream is already closed or shut down).
  void shutdown(StatusCallback done);
  void close();

 private:
  struct WriteRequest;
  static void alloc_cb(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void read_cb(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void write_cb(uv_write_t* req, int status);
  static void shutdown_cb(uv_shutdown_t* req, int status);
  void adopt(uv_stream_t* handle);

  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
    uv_tty_t tty;
  } storage_;
  uv_stream_t* handle_ = nullptr;
  bool closing_ = false;
  bool reading_ = false;
  bool paused_ = false;
  bool shut_down_ = false;
  std::unique_ptr<char[]> read_buffer_;
  std::string spare_;  // a finished write's buffer, handed to the next caller that queues
  DataCallback on_data_;
  EndCallback on_end_;
  Callback on_written_;
  StatusCallback on_write_error_;
  StatusCallback on_shutdown_;
  uv_shutdown_t shutdown_req_;
};

}  // namespace s2j
