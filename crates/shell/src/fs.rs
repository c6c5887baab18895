//! The in-memory filesystem the shell and the host share: files in a map, directories implicit.

use crate::error::FsError;
use crate::limits::MAX_FS_BYTES;
use std::collections::{BTreeMap, BTreeSet};

/// The only device file; reads as empty, swallows writes.
pub const DEV_NULL: &str = "/dev/null";

/// In-memory files. Paths given to the methods may be absolute, `~`-relative or relative to
/// [`VirtualFs::cwd`]; they are normalised (`.`, `..`, repeated `/`). A directory exists if it was
/// created (by `mkdir`, or as the home, `~/environment`, `/tmp`) or is an ancestor of one that
/// was, or contains a file.
#[derive(Clone, Debug)]
pub struct VirtualFs {
    files: BTreeMap<String, String>,
    dirs: BTreeSet<String>,
    home: String,
    cwd: String,
    bytes: usize,
    /// Counts files created and removed (see [`VirtualFs::file_set_version`]).
    file_set_version: u64,
    /// The modification time `ls -l` shows (`Jun  2 10:15`): files keep no times of their
    /// own, so the host says when they are from.
    stamp: String,
}

impl VirtualFs {
    pub fn new(home: &str) -> VirtualFs {
        let home = normalize(&format!("/{home}"));
        let mut fs = VirtualFs {
            files: BTreeMap::new(),
            dirs: BTreeSet::new(),
            cwd: home.clone(),
            home: home.clone(),
            bytes: 0,
            file_set_version: 0,
            stamp: "Jan  1  1970".to_string(),
        };
        for dir in [
            home.as_str(),
            &format!("{home}/environment"),
            "/tmp",
            "/dev",
        ] {
            fs.add_dir(&normalize(dir));
        }
        fs
    }

    /// Sets the time `ls -l` shows for every file (`ls`'s `%b %e %H:%M` of it).
    pub fn set_stamp(&mut self, stamp: impl Into<String>) {
        self.stamp = stamp.into();
    }

    pub fn stamp(&self) -> &str {
        &self.stamp
    }

    /// Size of a file in bytes (`None` for directories and missing files).
    pub fn size(&self, path: &str) -> Option<usize> {
        self.read(path).map(str::len)
    }

    /// Changes whenever a file is created or removed: a cheap way to notice that the set
    /// of files may differ from an earlier look.
    pub fn file_set_version(&self) -> u64 {
        self.file_set_version
    }

    pub fn home(&self) -> &str {
        &self.home
    }

    /// The shell's working directory; relative paths resolve against it.
    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// Changes the working directory (what `cd` does).
    pub fn set_cwd(&mut self, path: &str) -> Result<(), FsError> {
        let path = self.absolute(path);
        if self.is_dir(&path) {
            self.cwd = path;
            Ok(())
        } else if self.files.contains_key(&path) {
            Err(FsError::NotADirectory)
        } else {
            Err(FsError::NotFound)
        }
    }

    /// Resolves `path` against `cwd` (and `~` against the home) into a normalised absolute path.
    pub fn resolve(&self, cwd: &str, path: &str) -> String {
        if path == "~" {
            self.home.clone()
        } else if let Some(rest) = path.strip_prefix("~/") {
            normalize(&format!("{}/{rest}", self.home))
        } else if path.starts_with('/') {
            normalize(path)
        } else {
            normalize(&format!("{cwd}/{path}"))
        }
    }

    /// [`VirtualFs::resolve`] against the current working directory.
    pub fn absolute(&self, path: &str) -> String {
        self.resolve(&self.cwd, path)
    }

    pub fn read(&self, path: &str) -> Option<&str> {
        let path = self.absolute(path);
        if path == DEV_NULL {
            return Some("");
        }
        self.files.get(&path).map(String::as_str)
    }

    /// Like [`VirtualFs::read`], but says why it failed.
    pub fn read_file(&self, path: &str) -> Result<&str, FsError> {
        match self.read(path) {
            Some(text) => Ok(text),
            None if self.is_dir(path) => Err(FsError::IsADirectory),
            None => Err(FsError::NotFound),
        }
    }

    /// Creates or replaces a file; its directory must exist.
    pub fn write(&mut self, path: &str, content: &str) -> Result<(), FsError> {
        let path = self.writable(path)?;
        if path == DEV_NULL {
            return Ok(());
        }
        let old = self.files.get(&path).map_or(0, String::len);
        let new_total = self.bytes - old + content.len();
        if new_total > MAX_FS_BYTES {
            return Err(FsError::NoSpace);
        }
        self.bytes = new_total;
        if self.files.insert(path, content.to_string()).is_none() {
            self.file_set_version += 1;
        }
        Ok(())
    }

    /// Appends to a file, creating it if needed; its directory must exist.
    pub fn append(&mut self, path: &str, content: &str) -> Result<(), FsError> {
        let path = self.writable(path)?;
        if path == DEV_NULL {
            return Ok(());
        }
        if self.bytes + content.len() > MAX_FS_BYTES {
            return Err(FsError::NoSpace);
        }
        self.bytes += content.len();
        if !self.files.contains_key(&path) {
            self.file_set_version += 1;
        }
        self.files.entry(path).or_default().push_str(content);
        Ok(())
    }

    pub fn exists(&self, path: &str) -> bool {
        let path = self.absolute(path);
        path == DEV_NULL || self.files.contains_key(&path) || self.dirs.contains(&path)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        self.dirs.contains(&self.absolute(path))
    }

    pub fn is_file(&self, path: &str) -> bool {
        let path = self.absolute(path);
        path == DEV_NULL || self.files.contains_key(&path)
    }

    /// Names (not paths) of the entries directly inside `dir`, sorted.
    pub fn list(&self, dir: &str) -> Result<Vec<String>, FsError> {
        let dir = self.absolute(dir);
        if !self.dirs.contains(&dir) {
            return Err(if self.files.contains_key(&dir) {
                FsError::NotADirectory
            } else {
                FsError::NotFound
            });
        }
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        let mut names: BTreeSet<String> = BTreeSet::new();
        let entries = self.files.keys().chain(self.dirs.iter());
        for path in entries.filter(|p| p.starts_with(&prefix)) {
            if let Some(name) = path[prefix.len()..]
                .split('/')
                .next()
                .filter(|n| !n.is_empty())
            {
                names.insert(name.to_string());
            }
        }
        Ok(names.into_iter().collect())
    }

    /// Removes a file, or an empty directory.
    pub fn remove(&mut self, path: &str) -> Result<(), FsError> {
        let path = self.absolute(path);
        if let Some(old) = self.files.remove(&path) {
            self.bytes -= old.len();
            self.file_set_version += 1;
            Ok(())
        } else if self.dirs.contains(&path) {
            if !self.list(&path)?.is_empty() {
                return Err(FsError::NotEmpty);
            }
            if path == "/" || path == self.home {
                return Err(FsError::PermissionDenied);
            }
            self.dirs.remove(&path);
            Ok(())
        } else {
            Err(FsError::NotFound)
        }
    }

    /// Removes a file or a whole directory tree (`rm -r`).
    pub fn remove_all(&mut self, path: &str) -> Result<(), FsError> {
        let path = self.absolute(path);
        if !self.dirs.contains(&path) {
            return self.remove(&path);
        }
        if path == "/" || path == self.home {
            return Err(FsError::PermissionDenied);
        }
        let prefix = format!("{path}/");
        let doomed: Vec<String> = self
            .files
            .keys()
            .filter(|p| p.starts_with(&prefix))
            .cloned()
            .collect();
        for file in doomed {
            self.file_set_version += 1;
            if let Some(old) = self.files.remove(&file) {
                self.bytes -= old.len();
            }
        }
        self.dirs.retain(|d| *d != path && !d.starts_with(&prefix));
        Ok(())
    }

    /// Creates a directory; with `parents`, also its missing ancestors and no error if it exists.
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        let path = self.absolute(path);
        if self.files.contains_key(&path) || path == DEV_NULL {
            return Err(FsError::Exists);
        }
        if self.dirs.contains(&path) {
            return if parents {
                Ok(())
            } else {
                Err(FsError::Exists)
            };
        }
        if !parents && !self.dirs.contains(&parent(&path)) {
            return Err(FsError::NotFound);
        }
        if self.ancestor_is_file(&path) {
            return Err(FsError::NotADirectory);
        }
        self.add_dir(&path);
        Ok(())
    }

    /// Checks that `path` can be written as a file and returns it normalised.
    fn writable(&self, path: &str) -> Result<String, FsError> {
        let path = self.absolute(path);
        if self.dirs.contains(&path) {
            Err(FsError::IsADirectory)
        } else if path == DEV_NULL || self.dirs.contains(&parent(&path)) {
            Ok(path)
        } else if self.ancestor_is_file(&path) {
            Err(FsError::NotADirectory)
        } else {
            Err(FsError::NotFound)
        }
    }

    fn ancestor_is_file(&self, path: &str) -> bool {
        let mut dir = parent(path);
        while dir != "/" {
            if self.files.contains_key(&dir) {
                return true;
            }
            dir = parent(&dir);
        }
        false
    }

    fn add_dir(&mut self, path: &str) {
        let mut dir = path.to_string();
        while self.dirs.insert(dir.clone()) && dir != "/" {
            dir = parent(&dir);
        }
    }
}

/// The directory part of a normalised absolute path (`/` for top-level entries).
fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    }
}

/// Normalises an absolute path: no `.`/`..` components, no repeated or trailing `/`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_with_home_and_environment() {
        let fs = VirtualFs::new("/home/learner");
        assert!(fs.is_dir("~"));
        assert!(fs.is_dir("~/environment"));
        assert!(fs.is_dir("/home"));
        assert_eq!(fs.cwd(), "/home/learner");
        assert_eq!(fs.list("~").unwrap_or_default(), vec!["environment"]);
    }

    #[test]
    fn resolves_paths() {
        let fs = VirtualFs::new("/home/learner");
        assert_eq!(fs.resolve("/a/b", "../c/./d//e"), "/a/c/d/e");
        assert_eq!(fs.resolve("/a", "~/x"), "/home/learner/x");
        assert_eq!(fs.resolve("/a", "/../../x/"), "/x");
        assert_eq!(fs.absolute("f.txt"), "/home/learner/f.txt");
    }

    #[test]
    fn write_read_append_remove() {
        let mut fs = VirtualFs::new("/home/learner");
        assert_eq!(fs.write("~/environment/a.yaml", "x"), Ok(()));
        assert_eq!(fs.append("~/environment/a.yaml", "y"), Ok(()));
        assert_eq!(fs.read("/home/learner/environment/a.yaml"), Some("xy"));
        assert_eq!(fs.write("/nope/a", "x"), Err(FsError::NotFound));
        assert_eq!(fs.write("~/environment", "x"), Err(FsError::IsADirectory));
        assert_eq!(
            fs.write("~/environment/a.yaml/b", "x"),
            Err(FsError::NotADirectory)
        );
        assert_eq!(fs.remove("~/environment"), Err(FsError::NotEmpty));
        assert_eq!(fs.remove("~/environment/a.yaml"), Ok(()));
        assert!(!fs.exists("~/environment/a.yaml"));
        assert_eq!(fs.remove("~/x"), Err(FsError::NotFound));
    }

    #[test]
    fn dev_null() {
        let mut fs = VirtualFs::new("/home/learner");
        assert_eq!(fs.write(DEV_NULL, "gone"), Ok(()));
        assert_eq!(fs.read(DEV_NULL), Some(""));
    }

    #[test]
    fn mkdir_and_remove_all() {
        let mut fs = VirtualFs::new("/home/learner");
        assert_eq!(fs.mkdir("a/b", false), Err(FsError::NotFound));
        assert_eq!(fs.mkdir("a/b", true), Ok(()));
        assert_eq!(fs.mkdir("a", false), Err(FsError::Exists));
        assert_eq!(fs.write("a/b/f", "1"), Ok(()));
        assert_eq!(fs.list("a").unwrap_or_default(), vec!["b"]);
        assert_eq!(fs.remove_all("a"), Ok(()));
        assert!(!fs.exists("a/b/f"));
        assert!(!fs.exists("a"));
        assert_eq!(fs.remove_all("~"), Err(FsError::PermissionDenied));
    }

    #[test]
    fn size_is_bounded() {
        let mut fs = VirtualFs::new("/h");
        let big = "x".repeat(MAX_FS_BYTES / 2 + 1);
        assert_eq!(fs.write("/tmp/a", &big), Ok(()));
        assert_eq!(fs.write("/tmp/b", &big), Err(FsError::NoSpace));
        assert_eq!(fs.write("/tmp/a", &big), Ok(()));
    }
}
