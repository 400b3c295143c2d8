#include "io/stream.h"

namespace s2j {

namespace {
constexpr size_t kReadBufferSize = 64 * 1024;
}

struct Stream::WriteRequest {
  uv_write_t req;
  std::string data;
  Stream* stream;
};

Stream::Stream() : storage_{} {}

uv_tcp_t* Stream::init_tcp(uv_loop_t* loop) {
  uv_tcp_init(loop, &storage_.tcp);
  handle_ = reinterpret_cast<uv_stream_t*>(&storage_.tcp);
  handle_->data = this;
  return &storage_.tcp;
}

uv_pipe_t* Stream::init_pipe(uv_loop_t* loop) {
  uv_pipe_init(loop, &storage_.pipe, 0);
  handle_ = reinterpret_cast<uv_stream_t*>(&storage_.pipe);
  handle_->data = this;
  return &storage_.pipe;
}

int Stream::open_fd(uv_loop_t* loop, int fd) {
  int status;
  if (uv_guess_handle(fd) == UV_TTY) {
    status = uv_tty_init(loop, &storage_.tty, fd, 0);
    if (status == 0) handle_ = reinterpret_cast<uv_stream_t*>(&storage_.tty);
  } else {
    init_pipe(loop);
    status = uv_pipe_open(&storage_.pipe, fd);
  }
  if (handle_ != nullptr) handle_->data = this;
  return status;
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
    uv_read_stop(stream);
    self->reading_ = false;
    self->on_end_(static_cast<int>(nread));
  }
}

int Stream::start_reading(DataCallback on_data, EndCallback on_end) {
  on_data_ = std::move(on_data);
  on_end_ = std::move(on_end);
  reading_ = true;
  paused_ = false;
  return uv_read_start(handle_, alloc_cb, read_cb);
}

void Stream::pause() {
  if (reading_ && !paused_ && is_open()) {
    uv_read_stop(handle_);
    paused_ = true;
  }
}

void Stream::resume() {
  if (reading_ && paused_ && is_open()) {
    paused_ = false;
    uv_read_start(handle_, alloc_cb, read_cb);
  }
}

int Stream::write(std::string&& data) {
  if (!is_open() || shut_down_) return UV_EPIPE;
  size_t offset = 0;
  // Writing directly when nothing is queued saves a request and keeps ordering intact.
  if (uv_stream_get_write_queue_size(handle_) == 0) {
    uv_buf_t buf = uv_buf_init(data.data(), static_cast<unsigned>(data.size()));
    const int n = uv_try_write(handle_, &buf, 1);
    if (n >= 0) {
      offset = static_cast<size_t>(n);
      if (offset == data.size()) return 0;
    } else if (n != UV_EAGAIN) {
      return n;
    }
  }
  auto* request = new WriteRequest{{}, std::move(data), this};
  uv_buf_t buf = uv_buf_init(request->data.data() + offset, static_cast<unsigned>(request->data.size() - offset));
  const int status = uv_write(&request->req, handle_, &buf, 1, write_cb);
  if (status != 0) delete request;
  return status;
}

void Stream::write_cb(uv_write_t* req, int status) {
  auto* request = reinterpret_cast<WriteRequest*>(req);
  Stream* self = request->stream;
  delete request;
  if (status < 0 && status != UV_ECANCELED && self->on_write_error_) self->on_write_error_(status);
  if (self->on_written_ && !self->closing_) self->on_written_();
}

size_t Stream::queued() const { return handle_ == nullptr ? 0 : uv_stream_get_write_queue_size(handle_); }

void Stream::shutdown(Callback done) {
  if (!is_open() || shut_down_) {
    if (done) done();
    return;
  }
  shut_down_ = true;
  on_shutdown_ = std::move(done);
  shutdown_req_.data = this;
  const int status = uv_shutdown(&shutdown_req_, handle_, [](uv_shutdown_t* req, int) {
    auto* self = static_cast<Stream*>(req->data);
    if (self->on_shutdown_) {
      Callback cb = std::move(self->on_shutdown_);
      self->on_shutdown_ = nullptr;
      cb();
    }
  });
  if (status != 0 && on_shutdown_) {
    Callback cb = std::move(on_shutdown_);
    on_shutdown_ = nullptr;
    cb();
  }
}

void Stream::close() {
  if (handle_ == nullptr || closing_) return;
  closing_ = true;
  reading_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), nullptr);
}

}  // namespace s2j
