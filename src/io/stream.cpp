#include "io/stream.h"

#include <utility>

namespace s2j {

namespace {
constexpr size_t kReadBufferSize = 64 * 1024;
// Buffers up to this size are kept for the next write; a flood's larger ones are given back.
constexpr size_t kKeptCapacity = 1 << 20;

void release_if_large(std::string& buffer) {
  if (buffer.capacity() > kKeptCapacity) std::string().swap(buffer);
}
}  // namespace

struct Stream::WriteRequest {
  uv_write_t req;
  std::string data;
  Stream* stream;
};

Stream::Stream() : storage_{}, shutdown_req_{} {}

void Stream::adopt(uv_stream_t* handle) {
  handle_ = handle;
  handle_->data = this;
}

int Stream::init_tcp(uv_loop_t* loop) {
  const int status = uv_tcp_init(loop, &storage_.tcp);
  if (status == 0) adopt(reinterpret_cast<uv_stream_t*>(&storage_.tcp));
  return status;
}

int Stream::init_pipe(uv_loop_t* loop) {
  const int status = uv_pipe_init(loop, &storage_.pipe, 0);
  if (status == 0) adopt(reinterpret_cast<uv_stream_t*>(&storage_.pipe));
  return status;
}

int Stream::open_fd(uv_loop_t* loop, int fd) {
  if (uv_guess_handle(fd) == UV_TTY) {
    const int status = uv_tty_init(loop, &storage_.tty, fd, 0);
    if (status == 0) adopt(reinterpret_cast<uv_stream_t*>(&storage_.tty));
    return status;
  }
  const int status = init_pipe(loop);
  return status != 0 ? status : uv_pipe_open(&storage_.pipe, fd);
}

void Stream::alloc_cb(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* self = static_cast<Stream*>(handle->data);
  if (!self->read_buffer_) self->read_buffer_.reset(new char[kReadBufferSize]);
  *buf = uv_buf_init(self->read_buffer_.get(), kReadBufferSize);
}

void Stream::read_cb(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Stream*>(stream->data);
  if (nread > 0) {
    self->on_data_(std::string_view(buf->base, static_cast<size_t>(nread)));
  } else if (nread < 0) {
    self->reading_ = false;
    // Cannot fail on Unix; should it ever, the stream is closed rather than read past its end.
    if (uv_read_stop(stream) != 0) self->close();
    self->on_end_(static_cast<int>(nread));
  }
}

int Stream::start_reading(DataCallback on_data, EndCallback on_end) {
  if (!is_open()) return UV_EBADF;
  on_data_ = std::move(on_data);
  on_end_ = std::move(on_end);
  paused_ = false;
  const int status = uv_read_start(handle_, alloc_cb, read_cb);
  reading_ = status == 0;
  return status;
}

int Stream::pause() {
  if (!reading_ || paused_ || !is_open()) return 0;
  paused_ = true;
  return uv_read_stop(handle_);
}

int Stream::resume() {
  if (!reading_ || !paused_ || !is_open()) return 0;
  paused_ = false;
  return uv_read_start(handle_, alloc_cb, read_cb);
}

int Stream::write(std::string& data) {
  if (!is_open() || shut_down_) return UV_EPIPE;
  size_t offset = 0;
  // Writing directly when nothing is queued saves a request and keeps ordering intact.
  if (uv_stream_get_write_queue_size(handle_) == 0) {
    uv_buf_t buf = uv_buf_init(data.data(), static_cast<unsigned>(data.size()));
    const int n = uv_try_write(handle_, &buf, 1);
    if (n >= 0) {
      offset = static_cast<size_t>(n);
      if (offset == data.size()) {
        data.clear();
        release_if_large(data);
        return 0;
      }
    } else if (n != UV_EAGAIN) {
      return n;
    }
  }
  // The request takes the bytes; the caller gets the spare buffer to fill next.
  auto* request = new WriteRequest{{}, std::move(data), this};
  data.swap(spare_);
  data.clear();
  uv_buf_t buf = uv_buf_init(request->data.data() + offset, static_cast<unsigned>(request->data.size() - offset));
  const int status = uv_write(&request->req, handle_, &buf, 1, write_cb);
  if (status != 0) delete request;
  return status;
}

void Stream::write_cb(uv_write_t* req, int status) {
  auto* request = reinterpret_cast<WriteRequest*>(req);
  Stream* self = request->stream;
  if (request->data.capacity() > self->spare_.capacity() && request->data.capacity() <= kKeptCapacity) {
    request->data.clear();
    self->spare_.swap(request->data);
  }
  delete request;
  if (status < 0 && status != UV_ECANCELED && self->on_write_error_) self->on_write_error_(status);
  if (self->on_written_ && !self->closing_) self->on_written_();
}

size_t Stream::queued() const { return handle_ == nullptr ? 0 : uv_stream_get_write_queue_size(handle_); }

void Stream::shutdown_cb(uv_shutdown_t* req, int status) {
  auto* self = static_cast<Stream*>(req->data);
  if (self->on_shutdown_) std::exchange(self->on_shutdown_, nullptr)(status);
}

void Stream::shutdown(StatusCallback done) {
  if (!is_open() || shut_down_) {
    if (done) done(0);
    return;
  }
  shut_down_ = true;
  on_shutdown_ = std::move(done);
  shutdown_req_.data = this;
  const int status = uv_shutdown(&shutdown_req_, handle_, shutdown_cb);
  if (status != 0 && on_shutdown_) std::exchange(on_shutdown_, nullptr)(status);
}

void Stream::close() {
  if (handle_ == nullptr || closing_) return;
  closing_ = true;
  reading_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), nullptr);
}

}  // namespace s2j
