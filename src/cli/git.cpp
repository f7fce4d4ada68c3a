#include "git.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace migsafe::cli {

namespace {

struct GitOutput {
    int status;
    std::string out;
};

// Runs git with these arguments (no shell), returns its exit status and
// standard output; standard error goes through.
GitOutput run_git(const std::vector<std::string> &args) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("cannot run git: pipe failed");
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("cannot run git: fork failed");
    if (pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        std::vector<char *> argv;
        static char git[] = "git";
        argv.push_back(git);
        for (const std::string &arg : args) argv.push_back(const_cast<char *>(arg.c_str()));
        argv.push_back(nullptr);
        execvp("git", argv.data());
        _exit(127);
    }
    close(pipe_fds[1]);
    GitOutput result{0, ""};
    char buffer[65536];
    ssize_t n;
    while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) result.out.append(buffer, static_cast<std::size_t>(n));
    close(pipe_fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return result;
}

std::vector<std::string> lines(const std::string &text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

// Whether file lies under one of the paths (or is one of them).
bool under(const fs::path &file, const std::vector<std::string> &paths) {
    fs::path normal = file.lexically_normal();
    for (const std::string &path : paths) {
        fs::path base = fs::path(path).lexically_normal();
        if (base == "." || base.empty()) return true;
        auto [b, f] = std::mismatch(base.begin(), base.end(), normal.begin(), normal.end());
        if (b == base.end() || (std::next(b) == base.end() && b->empty())) return true;
    }
    return false;
}

}  // namespace

std::vector<std::string> changed_since(const std::string &rev, const std::vector<std::string> &paths) {
    if (rev.empty() || rev[0] == '-') throw std::runtime_error("--changed-since: \"" + rev + "\" is not a revision");
    GitOutput verify = run_git({"rev-parse", "--verify", "--quiet", rev + "^{commit}"});
    if (verify.status == 127) throw std::runtime_error("--changed-since needs git, which was not found");
    if (verify.status != 0) throw std::runtime_error("--changed-since: \"" + rev + "\" is not a commit of this repository");
    GitOutput changed = run_git({"diff", "--name-only", "--relative", "--diff-filter=ACMR", "--no-renames", rev, "--"});
    GitOutput untracked = run_git({"ls-files", "--others", "--exclude-standard"});
    if (changed.status != 0 || untracked.status != 0) throw std::runtime_error("--changed-since: git failed");
    std::vector<std::string> files;
    for (const std::string &file : lines(changed.out + "\n" + untracked.out)) {
        fs::path path(file);
        if (path.extension() == ".sql" && under(path, paths) && fs::is_regular_file(path)) files.push_back(file);
    }
    std::sort(files.begin(), files.end(), [](const std::string &a, const std::string &b) { return fs::path(a) < fs::path(b); });
    files.erase(std::unique(files.begin(), files.end()), files.end());
    return files;
}

}  // namespace migsafe::cli
