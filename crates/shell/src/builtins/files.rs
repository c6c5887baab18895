//! File utilities on the virtual filesystem: `ls`, `mkdir [-p]`, `rm [-f] [-r]`, `touch`,
//! and the path helpers `basename` and `dirname`.

use super::{Io, UtilError, parse_opts};
use crate::error::FsError;

/// `ls [-a] [-1] [PATH…]`: names one per line (as when output is not a terminal).
pub(crate) fn ls(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(args, "1aAFlh", &[("all", 'a')])?;
    let all = opts.has('a') || opts.has('A');
    let targets = if opts.operands.is_empty() {
        vec![".".to_string()]
    } else {
        opts.operands.clone()
    };
    let mut status = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for target in &targets {
        if io.fs.is_dir(target) {
            dirs.push(target.clone());
        } else if io.fs.is_file(target) {
            files.push(target.clone());
        } else {
            io.out.err(&format!(
                "ls: cannot access '{target}': No such file or directory\n"
            ));
            status = 2;
        }
    }
    let mut output = String::new();
    for file in &files {
        output.push_str(file);
        output.push('\n');
    }
    let headers = targets.len() > 1;
    for (i, dir) in dirs.iter().enumerate() {
        if headers {
            if i > 0 || !files.is_empty() {
                output.push('\n');
            }
            output.push_str(&format!("{dir}:\n"));
        }
        let names = io.fs.list(dir).unwrap_or_default();
        if opts.has('l') {
            let shown: Vec<&String> = names
                .iter()
                .filter(|n| all || !n.starts_with('.'))
                .collect();
            output.push_str(&long_listing(io.fs, dir, &shown));
            continue;
        }
        for name in names.iter().filter(|n| all || !n.starts_with('.')) {
            let is_dir = opts.has('F') && io.fs.is_dir(&format!("{}/{name}", io.fs.absolute(dir)));
            output.push_str(name);
            output.push_str(if is_dir { "/\n" } else { "\n" });
        }
    }
    io.out.out(&output);
    Ok(status)
}

/// `ls -l`: GNU's long format with what the virtual filesystem knows (directories 4096
/// bytes, files their size, owned by the home's user, all stamped with the host's time).
fn long_listing(fs: &crate::fs::VirtualFs, dir: &str, names: &[&String]) -> String {
    let owner = if fs.home() == "/root" {
        "root"
    } else {
        "learner"
    };
    let base = fs.absolute(dir);
    let rows: Vec<(&str, usize, usize, &String)> = names
        .iter()
        .map(|name| {
            let path = format!("{}/{name}", base.trim_end_matches('/'));
            match fs.size(&path) {
                Some(size) => ("-rw-r--r--", 1, size, *name),
                None => ("drwxr-xr-x", 2, 4096, *name),
            }
        })
        .collect();
    let blocks: usize = rows
        .iter()
        .map(|(_, _, size, _)| size.div_ceil(4096) * 4)
        .sum();
    let link_width = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    let size_width = rows
        .iter()
        .map(|r| r.2.to_string().len())
        .max()
        .unwrap_or(1);
    let mut text = format!("total {blocks}\n");
    for (mode, links, size, name) in rows {
        text.push_str(&format!(
            "{mode} {links:>link_width$} {owner} {owner} {size:>size_width$} {} {name}\n",
            fs.stamp()
        ));
    }
    text
}

pub(crate) fn mkdir(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(args, "pv", &[("parents", 'p')])?;
    if opts.operands.is_empty() {
        return Err(UtilError::MissingOperand);
    }
    let mut status = 0;
    for dir in &opts.operands {
        if let Err(error) = io.fs.mkdir(dir, opts.has('p')) {
            io.out.err(&format!(
                "mkdir: cannot create directory '{dir}': {error}\n"
            ));
            status = 1;
        }
    }
    Ok(status)
}

pub(crate) fn rm(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(args, "frRdv", &[("force", 'f'), ("recursive", 'r')])?;
    let force = opts.has('f');
    if opts.operands.is_empty() && !force {
        return Err(UtilError::MissingOperand);
    }
    let recursive = opts.has('r') || opts.has('R');
    let mut status = 0;
    for path in &opts.operands {
        let result = if recursive {
            io.fs.remove_all(path)
        } else if io.fs.is_dir(path) && !opts.has('d') {
            Err(FsError::IsADirectory)
        } else {
            io.fs.remove(path)
        };
        match result {
            Ok(()) | Err(FsError::NotFound) if force => {}
            Ok(()) => {}
            Err(error) => {
                io.out
                    .err(&format!("rm: cannot remove '{path}': {error}\n"));
                status = 1;
            }
        }
    }
    Ok(status)
}

pub(crate) fn touch(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(args, "ac", &[])?;
    if opts.operands.is_empty() {
        return Err(UtilError::MissingOperand);
    }
    let mut status = 0;
    for path in &opts.operands {
        if io.fs.exists(path) {
            continue;
        }
        if let Err(error) = io.fs.write(path, "") {
            io.out
                .err(&format!("touch: cannot touch '{path}': {error}\n"));
            status = 1;
        }
    }
    Ok(status)
}

pub(crate) fn basename(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let path = args.first().ok_or(UtilError::MissingOperand)?;
    let trimmed = path.trim_end_matches('/');
    let mut name = trimmed.rsplit('/').next().unwrap_or("");
    if trimmed.is_empty() && path.starts_with('/') {
        name = "/";
    }
    if let Some(suffix) = args.get(1) {
        name = name
            .strip_suffix(suffix.as_str())
            .filter(|n| !n.is_empty())
            .unwrap_or(name);
    }
    io.out.out(&format!("{name}\n"));
    Ok(0)
}

pub(crate) fn dirname(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let path = args.first().ok_or(UtilError::MissingOperand)?;
    let trimmed = path.trim_end_matches('/');
    let dir = match trimmed.rfind('/') {
        Some(i) => trimmed
            .get(..i)
            .map(|d| d.trim_end_matches('/'))
            .filter(|d| !d.is_empty())
            .unwrap_or("/"),
        None if path.starts_with('/') => "/",
        None => ".",
    };
    io.out.out(&format!("{dir}\n"));
    Ok(0)
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run_with};
    use crate::fs::VirtualFs;

    #[test]
    fn ls_mkdir_touch_rm() {
        let mut fs = VirtualFs::new("/home/learner");
        assert_eq!(run_with(&mut fs, "ls", &[], "").stdout, "environment\n");
        assert_eq!(run_with(&mut fs, "mkdir", &["-p", "a/b"], "").status, 0);
        let r = run_with(&mut fs, "mkdir", &["a"], "");
        assert_eq!(
            r.stderr,
            "mkdir: cannot create directory 'a': File exists\n"
        );
        assert_eq!(
            run_with(&mut fs, "touch", &["a/f", ".hidden"], "").status,
            0
        );
        assert_eq!(run_with(&mut fs, "ls", &["a"], "").stdout, "b\nf\n");
        assert_eq!(
            run_with(&mut fs, "ls", &["-a"], "").stdout,
            ".hidden\na\nenvironment\n"
        );
        let r = run_with(&mut fs, "ls", &["nope"], "");
        assert_eq!(
            (r.stderr.as_str(), r.status),
            ("ls: cannot access 'nope': No such file or directory\n", 2)
        );
        let r = run_with(&mut fs, "rm", &["a"], "");
        assert_eq!(r.stderr, "rm: cannot remove 'a': Is a directory\n");
        assert_eq!(run_with(&mut fs, "rm", &["-f", "nope"], "").status, 0);
        assert_eq!(run_with(&mut fs, "rm", &["nope"], "").status, 1);
        assert_eq!(run_with(&mut fs, "rm", &["-rf", "a"], "").status, 0);
        assert!(!fs.exists("a/f"));
    }

    #[test]
    fn path_helpers() {
        assert_eq!(ok("basename", &["/a/b.yaml", ".yaml"], ""), "b\n");
        assert_eq!(ok("basename", &["/a/b/"], ""), "b\n");
        assert_eq!(ok("dirname", &["/a/b.yaml"], ""), "/a\n");
        assert_eq!(ok("dirname", &["b"], ""), ".\n");
        assert_eq!(ok("dirname", &["/b"], ""), "/\n");
    }
}
