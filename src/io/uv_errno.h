// libuv reports errors as negated errno values, except for name resolution (UV_EAI_*): the errno
// value for a libuv status, so that the programs can exit with codes Spectrum prints with strerror.
#pragma once

#include <uv.h>

#include <cerrno>

namespace s2j {

inline int errno_of(int uv_status) {
  return uv_status <= UV_EAI_ADDRFAMILY && uv_status >= UV_EAI_SOCKTYPE ? EINVAL : -uv_status;
}

}  // namespace s2j
