// SPDX-License-Identifier: Apache-2.0
#pragma once

// The few POSIX calls the file store needs, in one place: descriptor-relative opens (no repeated path
// walks over 50 000 files), directory listings with entry types, and whole-file reads into a reused
// buffer. Errors are errno values; errorText() turns one into words for a Problem.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace runlens::localfs {

/** Owns a file descriptor. */
class UniqueFd
{
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd)
        : m_fd(fd)
    { }
    ~UniqueFd();
    UniqueFd(UniqueFd&& other) noexcept
        : m_fd(other.release())
    { }
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd = -1;
};

/** The descriptor for "relative to the current directory" (a plain path). */
int currentDirFd();

/** Opens a directory relative to dirFd, following symbolic links. Sets err on failure. */
UniqueFd openDir(int dirFd, const std::string& path, int& err);
/** Opens a file for reading relative to dirFd, following symbolic links. Sets err on failure. */
UniqueFd openFile(int dirFd, const std::string& path, int& err);

// Error values of the checked reads below. Negative, so they never clash with an errno value.
constexpr int kNotRegularFile = -1; // a FIFO, device, socket or folder where a data file belongs
constexpr int kFileTooLarge = -2; // more bytes than the reader's cap

/**
 * As openFile(), but only a regular file opens: a FIFO would block a reader forever and a device such
 * as /dev/zero never ends, so anything else sets err to kNotRegularFile.
 */
UniqueFd openRegularFile(int dirFd, const std::string& path, int& err);

enum class EntryType
{
    File,
    Dir,
    Symlink,
    Other,
    Unknown
};

struct DirEntry
{
    std::string name;
    EntryType type = EntryType::Unknown;
};

/** The entries of an open directory (without "." and ".."), in no particular order; 0 or errno. */
int listDir(int dirFd, std::vector<DirEntry>& out);

struct FileStatus
{
    EntryType type = EntryType::Unknown;
    std::int64_t size = 0;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
};

/** stat() of a path relative to dirFd; followSymlinks=false gives the link itself. 0 or errno. */
int statAt(int dirFd, const std::string& path, bool followSymlinks, FileStatus& out);
/** fstat() of an open descriptor. 0 or errno. */
int statFd(int fd, FileStatus& out);

/**
 * A growable read buffer a worker thread keeps for all its files, so reading 50 000 small files
 * allocates once. Views it hands out stay valid until the next read.
 */
class ReadBuffer
{
public:
    /** Reads all of fd; 0 or errno. */
    int readAll(int fd, std::string_view& out);
    /** Reads at most maxBytes of fd; 0 or errno. */
    int readUpTo(int fd, std::size_t maxBytes, std::string_view& out);
    /** Reads all of fd when it holds at most maxBytes; 0, errno, or kFileTooLarge (nothing kept). */
    int readCapped(int fd, std::size_t maxBytes, std::string_view& out);

    /** Raw access for chunked readers: grows to at least n bytes and returns the storage. */
    char* reserve(std::size_t n);
    std::size_t capacity() const { return m_capacity; }

private:
    std::unique_ptr<char[]> m_data;
    std::size_t m_capacity = 0;
};

/** read() that retries on EINTR; returns bytes read, 0 at end, -1 with errno set on error. */
long readSome(int fd, char* data, std::size_t size);

/** Reads a whole file relative to dirFd into a string; 0 or errno. */
int readFileAt(int dirFd, const std::string& path, std::string& out);

/**
 * The words for an errno value, e.g. "Permission denied", or for kNotRegularFile and kFileTooLarge
 * (which names `limit`, the cap that was exceeded, when given).
 */
std::string errorText(int err, std::size_t limit = 0);

/** A byte count for messages: "16 MB", "512 KB", "12 bytes". */
std::string sizeText(std::size_t bytes);

} // namespace runlens::localfs
