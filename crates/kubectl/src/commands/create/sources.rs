//! The data sources of `create configmap` and `create secret generic` (kubectl's
//! `hash`-free `handleConfigMapFrom*`): `--from-literal=KEY=VALUE`,
//! `--from-file=[KEY=]PATH` (a file or every file of a directory, read from the shell's
//! files) and `--from-env-file=PATH`, with kubectl's errors.

use std::collections::BTreeMap;

use crate::args::Parsed;
use crate::session::Session;

/// Keys and their values in the order kubectl adds them; `kind` names the object in the
/// duplicate-key error (`ConfigMap "cfg"`).
pub fn collect(
    parsed: &Parsed,
    session: &Session,
    kind: &str,
) -> Result<BTreeMap<String, String>, String> {
    let mut data = BTreeMap::new();
    let mut add = |key: String, value: String| -> Result<(), String> {
        if data.contains_key(&key) {
            return Err(format!(
                "error: cannot add key {key:?}, another key by that name already exists in Data for {kind}"
            ));
        }
        data.insert(key, value);
        Ok(())
    };
    for path in parsed.values("from-file") {
        let (key, path) = match path.split_once('=') {
            Some((key, path)) => (Some(key.to_string()), path.to_string()),
            None => (None, path.clone()),
        };
        if let Some(files) = session.list_dir(&path) {
            if key.is_some() {
                return Err("error: cannot give a key name for a directory path".into());
            }
            for file in files {
                let text = session.read_file(&file).unwrap_or_default();
                let name = file.rsplit('/').next().unwrap_or(&file).to_string();
                add(name, text)?;
            }
            continue;
        }
        let text = session
            .read_file(&path)
            .ok_or_else(|| format!("error: error reading {path}: no such file or directory"))?;
        let key = key.unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_string());
        add(key, text)?;
    }
    for literal in parsed.values("from-literal") {
        let Some((key, value)) = literal.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(format!(
                "error: invalid literal source {literal}, expected key=value"
            ));
        };
        add(key.to_string(), value.to_string())?;
    }
    for path in parsed.values("from-env-file") {
        let text = session
            .read_file(&path)
            .ok_or_else(|| format!("error: open {path}: no such file or directory"))?;
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once('=') {
                Some((key, value)) => add(key.to_string(), value.to_string())?,
                None => add(line.to_string(), String::new())?,
            }
        }
    }
    Ok(data)
}
