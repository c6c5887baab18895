//! Printers: server-side-style tables (`kubectl get`), object output (`-o yaml|json|name`),
//! `-o jsonpath=…` and `-o go-template=…`.

pub mod custom_columns;
pub mod gotemplate;
pub mod jsonpath;
pub mod object;
pub mod rows;
pub mod sort;
pub mod table;
pub mod yaml;

/// `-o` formats of commands that print the objects they change (create, apply, run, scale…):
/// genericclioptions' JSON/YAML, name and template printers.
pub const OBJECT_FORMATS: &[&str] = &[
    "go-template",
    "go-template-file",
    "json",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "name",
    "template",
    "templatefile",
    "yaml",
];

/// `-o` formats of `kubectl get`: the object formats plus custom columns and `wide`.
pub const GET_FORMATS: &[&str] = &[
    "custom-columns",
    "custom-columns-file",
    "go-template",
    "go-template-file",
    "json",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "name",
    "template",
    "templatefile",
    "wide",
    "yaml",
];

/// `NoCompatiblePrinterError` for an `-o` value no printer takes (`jsonpath=…` counts as
/// `jsonpath`).
pub fn check_format(format: Option<&str>, allowed: &[&str]) -> Result<(), String> {
    let Some(format) = format else { return Ok(()) };
    let name = format.split_once('=').map_or(format, |(name, _)| name);
    if allowed.contains(&name) {
        Ok(())
    } else {
        Err(format!(
            "error: unable to match a printer suitable for the output format {format:?}, allowed formats are: {}",
            allowed.join(",")
        ))
    }
}
