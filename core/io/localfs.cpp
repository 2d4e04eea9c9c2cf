// SPDX-License-Identifier: Apache-2.0
#include "io/localfs.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace runlens::localfs {

UniqueFd::~UniqueFd()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = other.release();
    }
    return *this;
}

int currentDirFd()
{
    return AT_FDCWD;
}

UniqueFd openDir(int dirFd, const std::string& path, int& err)
{
    int fd;
    do
        fd = ::openat(dirFd, path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    err = fd < 0 ? errno : 0;
    return UniqueFd(fd);
}

UniqueFd openFile(int dirFd, const std::string& path, int& err)
{
    // O_NONBLOCK: opening a FIFO someone left among the artifacts must not hang the reader.
    int fd;
    do
        fd = ::openat(dirFd, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    while (fd < 0 && errno == EINTR);
    err = fd < 0 ? errno : 0;
    return UniqueFd(fd);
}

UniqueFd openRegularFile(int dirFd, const std::string& path, int& err)
{
    UniqueFd fd = openFile(dirFd, path, err);
    if (!fd.valid())
        return fd;
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) {
        err = errno;
        return UniqueFd();
    }
    if (!S_ISREG(st.st_mode)) {
        err = kNotRegularFile;
        return UniqueFd();
    }
    return fd;
}

namespace {

EntryType typeFromMode(mode_t mode)
{
    if (S_ISREG(mode))
        return EntryType::File;
    if (S_ISDIR(mode))
        return EntryType::Dir;
    if (S_ISLNK(mode))
        return EntryType::Symlink;
    return EntryType::Other;
}

EntryType typeFromDirent(unsigned char type)
{
    switch (type) {
    case DT_REG:
        return EntryType::File;
    case DT_DIR:
        return EntryType::Dir;
    case DT_LNK:
        return EntryType::Symlink;
    case DT_UNKNOWN:
        return EntryType::Unknown;
    default:
        return EntryType::Other;
    }
}

void fillStatus(const struct stat& st, FileStatus& out)
{
    out.type = typeFromMode(st.st_mode);
    out.size = static_cast<std::int64_t>(st.st_size);
    out.device = static_cast<std::uint64_t>(st.st_dev);
    out.inode = static_cast<std::uint64_t>(st.st_ino);
}

} // namespace

int listDir(int dirFd, std::vector<DirEntry>& out)
{
    out.clear();
    // A duplicate for the DIR stream to own; rewinddir() because dirFd may have been listed before
    // (duplicates share the read position).
    const int fd = ::fcntl(dirFd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        const int err = errno;
        ::close(fd);
        return err;
    }
    ::rewinddir(dir);
    int err = 0;
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(dir);
        if (!entry) {
            err = errno;
            break;
        }
        const char* name = entry->d_name;
        if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)))
            continue;
        out.push_back(DirEntry {name, typeFromDirent(entry->d_type)});
    }
    ::closedir(dir);
    return err;
}

int statAt(int dirFd, const std::string& path, bool followSymlinks, FileStatus& out)
{
    struct stat st;
    if (::fstatat(dirFd, path.c_str(), &st, followSymlinks ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
        return errno;
    fillStatus(st, out);
    return 0;
}

int statFd(int fd, FileStatus& out)
{
    struct stat st;
    if (::fstat(fd, &st) != 0)
        return errno;
    fillStatus(st, out);
    return 0;
}

long readSome(int fd, char* data, std::size_t size)
{
    for (;;) {
        const ssize_t n = ::read(fd, data, size);
        if (n >= 0 || errno != EINTR)
            return static_cast<long>(n);
    }
}

char* ReadBuffer::reserve(std::size_t n)
{
    if (n > m_capacity) {
        std::size_t capacity = m_capacity ? m_capacity : 64 * 1024;
        while (capacity < n)
            capacity *= 2;
        // Only the live prefix matters to callers that grow mid-read; copy it along.
        std::unique_ptr<char[]> data(new char[capacity]);
        if (m_capacity)
            std::memcpy(data.get(), m_data.get(), m_capacity);
        m_data = std::move(data);
        m_capacity = capacity;
    }
    return m_data.get();
}

int ReadBuffer::readAll(int fd, std::string_view& out)
{
    std::size_t size = 0;
    reserve(64 * 1024);
    for (;;) {
        if (size == m_capacity)
            reserve(m_capacity * 2);
        const long n = readSome(fd, m_data.get() + size, m_capacity - size);
        if (n < 0)
            return errno;
        size += static_cast<std::size_t>(n);
        // A short read of a regular file means its end; this saves a second read() per small file.
        if (n == 0 || size < m_capacity)
            break;
    }
    out = std::string_view(m_data.get(), size);
    return 0;
}

int ReadBuffer::readUpTo(int fd, std::size_t maxBytes, std::string_view& out)
{
    std::size_t size = 0;
    reserve(std::min<std::size_t>(maxBytes, 64 * 1024));
    while (size < maxBytes) {
        if (size == m_capacity)
            reserve(std::min(m_capacity * 2, maxBytes));
        const std::size_t want = std::min(m_capacity, maxBytes) - size;
        const long n = readSome(fd, m_data.get() + size, want);
        if (n < 0)
            return errno;
        if (n == 0)
            break;
        size += static_cast<std::size_t>(n);
    }
    out = std::string_view(m_data.get(), size);
    return 0;
}

int ReadBuffer::readCapped(int fd, std::size_t maxBytes, std::string_view& out)
{
    // One byte past the cap tells a file of exactly maxBytes from a larger one (or one still growing).
    const std::size_t want = maxBytes == SIZE_MAX ? maxBytes : maxBytes + 1;
    if (const int err = readUpTo(fd, want, out); err != 0)
        return err;
    if (out.size() > maxBytes) {
        out = {};
        return kFileTooLarge;
    }
    return 0;
}

int readFileAt(int dirFd, const std::string& path, std::string& out)
{
    int err = 0;
    UniqueFd fd = openRegularFile(dirFd, path, err);
    if (!fd.valid())
        return err;
    out.clear();
    char chunk[16 * 1024];
    for (;;) {
        const long n = readSome(fd.get(), chunk, sizeof chunk);
        if (n < 0)
            return errno;
        if (n == 0)
            break;
        out.append(chunk, static_cast<std::size_t>(n));
    }
    return 0;
}

std::string sizeText(std::size_t bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        return std::to_string(bytes / (1024 * 1024)) + " MB";
    if (bytes >= 1024 && bytes % 1024 == 0)
        return std::to_string(bytes / 1024) + " KB";
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

std::string errorText(int err, std::size_t limit)
{
    if (err == kNotRegularFile)
        return "not a regular file (a FIFO, device or folder); not read";
    if (err == kFileTooLarge)
        return limit ? "larger than " + sizeText(limit) + ", the most read of such a file; not read"
                     : "too large; not read";
    char buffer[256];
    // GNU strerror_r may return a static string instead of filling the buffer.
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    return ::strerror_r(err, buffer, sizeof buffer);
#else
    if (::strerror_r(err, buffer, sizeof buffer) != 0)
        return "error " + std::to_string(err);
    return buffer;
#endif
}

} // namespace runlens::localfs
