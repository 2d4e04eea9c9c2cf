// SPDX-License-Identifier: Apache-2.0
#include "io/atomicfile.h"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <ctime>
#include <string>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace runlens {

namespace {

std::string parentOf(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

// Makes a rename or unlink durable; a failure here is not worth failing the write for.
void syncDir(const std::string& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

bool writeAll(int fd, std::string_view data)
{
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

} // namespace

StoreError AtomicFile::errorFor(int err, const std::string& what, const std::string& path)
{
    const ErrorCode code
        = (err == EACCES || err == EPERM || err == EROFS) ? ErrorCode::PermissionDenied : ErrorCode::IoError;
    return StoreError {code, "cannot " + what + " " + path + ": " + std::strerror(err)};
}

int AtomicFile::removeStaleTemps(const std::string& dir)
{
    DIR* stream = ::opendir(dir.c_str());
    if (!stream)
        return 0;
    const pid_t self = ::getpid();
    const std::time_t now = std::time(nullptr);
    int removed = 0;
    while (const dirent* entry = ::readdir(stream)) {
        const std::string_view name = entry->d_name;
        if (!name.starts_with(kTempPrefix))
            continue;
        // .runlens-tmp-<pid>-<counter>, as write() names them.
        const std::string_view rest = name.substr(kTempPrefix.size());
        long long pid = 0;
        const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
        if (ec != std::errc() || end == rest.data() || end == rest.data() + rest.size() || *end != '-' || pid <= 0
            || pid == self)
            continue;
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)
            continue; // its writer still runs (or belongs to someone we may not signal)
        struct stat st
        {
        };
        if (::fstatat(::dirfd(stream), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)
            || now - st.st_mtime < kStaleTempAgeSeconds)
            continue;
        if (::unlinkat(::dirfd(stream), entry->d_name, 0) == 0)
            ++removed;
    }
    ::closedir(stream);
    if (removed > 0)
        syncDir(dir);
    return removed;
}

Status AtomicFile::write(const std::string& path, std::string_view data, const std::string& tempDir)
{
    static std::atomic<unsigned> counter {0};
    const std::string dir = tempDir.empty() ? parentOf(path) : tempDir;
    removeStaleTemps(dir);
    const std::string temp = dir + "/" + std::string(kTempPrefix) + std::to_string(::getpid()) + "-"
        + std::to_string(counter.fetch_add(1));
    struct stat old
    {
    };
    const bool exists = ::stat(path.c_str(), &old) == 0;
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return errorFor(errno, "write", errno == EEXIST ? temp : path);
    auto fail = [&](const std::string& what) {
        const int err = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        return errorFor(err, what, path);
    };
    if (exists && ::fchmod(fd, old.st_mode & 07777) != 0)
        return fail("keep the mode of");
    if (!writeAll(fd, data))
        return fail("write");
    if (::fsync(fd) != 0)
        return fail("sync");
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return errorFor(err, "write", path);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return errorFor(err, "replace", path);
    }
    syncDir(parentOf(path));
    return Done {};
}

Status AtomicFile::remove(const std::string& path)
{
    if (::unlink(path.c_str()) != 0)
        return errorFor(errno, "remove", path);
    syncDir(parentOf(path));
    return Done {};
}

Status AtomicFile::makeDirs(const std::string& dir)
{
    struct stat st
    {
    };
    if (::stat(dir.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return Done {};
        return StoreError {ErrorCode::InvalidParameterValue, dir + " exists and is not a folder"};
    }
    const std::string parent = parentOf(dir);
    if (parent != dir) {
        if (Status s = makeDirs(parent); !s.ok())
            return s;
    }
    if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
        return errorFor(errno, "create the folder", dir);
    return Done {};
}

} // namespace runlens
