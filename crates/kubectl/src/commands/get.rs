//! `kubectl get`: tables (one block per kind, NAME prefixed when several kinds are shown),
//! `-o wide|yaml|json|name|jsonpath=…|go-template=…|custom-columns=…|custom-columns-file=…`,
//! `-f FILE`, `--sort-by`, `-l`, `-A`, `--show-labels`, `--no-headers`, and the
//! "No resources found" / NotFound messages.

use kubeplay_model::object::MetaExt;
use kubeplay_model::selector::Selector;
use kubeplay_model::{ApiError, Kind, Object};

use crate::args::{self, Flag, boolean, value};
use crate::errors;
use crate::manifests;
use crate::output::Output;
use crate::printers::custom_columns::CustomColumns;
use crate::printers::gotemplate::{GoTemplate, is_template_format};
use crate::printers::object;
use crate::printers::rows::{self, RowContext};
use crate::printers::table::Table;
use crate::resources;
use crate::session::Session;

const FLAGS: &[Flag] = &[
    value("output", Some('o')),
    value("template", None),
    value("selector", Some('l')),
    value("field-selector", None),
    boolean("all-namespaces", Some('A')),
    boolean("show-labels", None),
    boolean("no-headers", None),
    boolean("show-kind", None),
    boolean("show-managed-fields", None),
    boolean("ignore-not-found", None),
    boolean("watch", Some('w')),
    boolean("watch-only", None),
    value("label-columns", Some('L')),
    value("sort-by", None),
    value("filename", Some('f')),
];

const NO_TYPE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples";

const ENDPOINTS_DEPRECATED: &str =
    "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";

/// How `get` prints what it found.
enum Format {
    Table,
    Yaml,
    Json,
    Name,
    JsonPath(String),
    Template(GoTemplate),
    CustomColumns(CustomColumns),
}

impl Format {
    fn from_flags(parsed: &args::Parsed, session: &Session) -> Result<Format, String> {
        let format = parsed.value("output").unwrap_or("");
        if is_template_format(format) {
            return GoTemplate::from_flags(format, parsed.value("template"), session)
                .map(Format::Template);
        }
        if let Some(template) = format.strip_prefix("jsonpath=") {
            return Ok(Format::JsonPath(template.trim_matches('\'').to_string()));
        }
        if let Some(spec) = format.strip_prefix("custom-columns=") {
            return CustomColumns::from_spec(spec).map(Format::CustomColumns);
        }
        if let Some(path) = format.strip_prefix("custom-columns-file=") {
            let text = session
                .read_file(path)
                .ok_or_else(|| format!("error: open {path}: no such file or directory"))?;
            return CustomColumns::from_file(&text).map(Format::CustomColumns);
        }
        Ok(match format {
            "" | "wide" => Format::Table,
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "name" => Format::Name,
            _ => {
                return Err(
                    match crate::printers::check_format(Some(format), crate::printers::GET_FORMATS)
                    {
                        Err(error) => error,
                        // A format real kubectl has but kubeplay does not print yet.
                        Ok(()) => format!(
                            "error: kubeplay does not support -o {} yet",
                            format.split('=').next().unwrap_or(format)
                        ),
                    },
                );
            }
        })
    }

    /// Printers other than tables and `name` print one object, or a `List` of them
    /// (`printGeneric`), and never say "No resources found".
    fn generic(&self) -> bool {
        !matches!(self, Format::Table | Format::Name)
    }
}

/// What to read: kinds and names from the command line, or the objects a `-f` file names.
struct Lookup {
    kind: Kind,
    namespace: Option<String>,
    names: Vec<String>,
}

pub fn run(args: &[String], stdin: &str, session: &mut Session, out: &mut Output) {
    let parsed = match args::parse(args, FLAGS, "get") {
        Ok(parsed) => parsed,
        Err(error) => return out.error(error),
    };
    let from_files = parsed.has("filename");
    if from_files && !parsed.positional.is_empty() {
        return out.error("error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well");
    }
    let lookups = if from_files {
        match file_lookups(&parsed, stdin, session) {
            Ok(lookups) => lookups,
            Err(errors) => {
                for error in errors {
                    out.error(error);
                }
                return;
            }
        }
    } else {
        match resources::parse(&parsed.positional) {
            Ok(requests) if requests.is_empty() => return out.error(NO_TYPE),
            Ok(requests) => requests
                .into_iter()
                .map(|r| Lookup {
                    kind: r.kind,
                    namespace: None,
                    names: r.names,
                })
                .collect::<Vec<_>>(),
            Err(error) => return out.error(error),
        }
    };
    let format = match Format::from_flags(&parsed, session) {
        Ok(format) => format,
        Err(error) => return out.error(error),
    };
    let selector = match parsed.value("selector").map(Selector::parse).transpose() {
        Ok(selector) => selector.unwrap_or_default(),
        Err(error) => {
            // The API server refuses the list, and kubectl (cli-runtime's selector visitor)
            // names the resource and both selectors in front of its message.
            return match lookups.first() {
                // `GroupVersionResource.String()`: `/v1, Resource=pods` for the core group.
                Some(lookup) => out.error(format!(
                    "Error from server (BadRequest): Unable to find \"{}/{}, Resource={}\" that match label selector {:?}, field selector {:?}: unable to parse requirement: {error}",
                    lookup.kind.group(),
                    lookup.kind.info().version,
                    lookup.kind.plural(),
                    parsed.value("selector").unwrap_or(""),
                    parsed.value("field-selector").unwrap_or(""),
                )),
                None => out.error(format!("error: {error}")),
            };
        }
    };
    let fields =
        match crate::fields::FieldSelector::parse(parsed.value("field-selector").unwrap_or("")) {
            Ok(fields) => fields,
            Err(error) => return out.error(error),
        };
    let all_namespaces = parsed.bool("all-namespaces");
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    if parsed.bool("watch") || parsed.bool("watch-only") {
        let query = super::watch::Query {
            requests: lookups
                .into_iter()
                .map(|l| resources::Request {
                    kind: l.kind,
                    names: l.names,
                })
                .collect(),
            namespace,
            all_namespaces,
            selector,
            fields,
        };
        return super::watch::run(query, &parsed, session, out);
    }
    let several_kinds = lookups.len() > 1 && lookups.iter().any(|l| l.kind != lookups[0].kind);
    let columns = Columns::new(&parsed, several_kinds || (!from_files && lookups.len() > 1));
    let ctx = RowContext {
        now: session.now(),
        wide: parsed.value("output") == Some("wide"),
    };

    let mut found: Vec<(Kind, Vec<&Object>)> = Vec::new();
    let mut not_found = Vec::new();
    // A v1.33 server answers every Endpoints read with this warning header.
    if lookups.iter().any(|l| l.kind == Kind::Endpoints) {
        out.note(ENDPOINTS_DEPRECATED);
    }
    for lookup in &lookups {
        let store = &session.cluster.api.store;
        let namespace = lookup.namespace.as_deref().unwrap_or(&namespace);
        let scope = (lookup.kind.namespaced() && !all_namespaces).then_some(namespace);
        let objects: Vec<&Object> = if lookup.names.is_empty() {
            store
                .list(lookup.kind, scope)
                .filter(|o| selector.matches(o.meta().labels.as_ref()) && fields.matches(o))
                .collect()
        } else {
            let mut objects = Vec::new();
            for name in &lookup.names {
                match store.get(&kubeplay_model::ObjectKey::new(
                    lookup.kind,
                    namespace,
                    name,
                )) {
                    Some(object) => objects.push(object),
                    None => not_found.push(ApiError::not_found(lookup.kind, name)),
                }
            }
            objects
        };
        // Objects of one kind from a file print as one table, as kubectl groups them.
        match found.last_mut() {
            Some((kind, previous)) if from_files && *kind == lookup.kind => {
                previous.extend(objects)
            }
            _ => found.push((lookup.kind, objects)),
        }
    }
    if let Some(path) = parsed.value("sort-by") {
        for (_, objects) in &mut found {
            let mut keyed: Vec<(&Object, serde_json::Value)> =
                objects.iter().map(|o| (*o, o.to_value())).collect();
            if let Err(error) = crate::printers::sort::sort_by(&mut keyed, path) {
                return out.error(error);
            }
            *objects = keyed.into_iter().map(|(o, _)| o).collect();
        }
    }
    let total: usize = found.iter().map(|(_, objects)| objects.len()).sum();
    let listing = lookups.iter().all(|l| l.names.is_empty());
    let all: Vec<&Object> = found
        .iter()
        .flat_map(|(_, objects)| objects.iter().copied())
        .collect();
    let managed_fields = parsed.bool("show-managed-fields");
    match &format {
        Format::Yaml | Format::Json => {
            if !all.is_empty() || listing {
                let as_list = listing || all.len() > 1;
                out.out(if matches!(format, Format::Yaml) {
                    object::yaml_showing(&all, as_list, managed_fields)
                } else {
                    object::json_showing(&all, as_list, managed_fields)
                });
            }
        }
        Format::CustomColumns(custom) => {
            let values: Vec<serde_json::Value> = all
                .iter()
                .map(|o| object::cleaned(o, managed_fields))
                .collect();
            match custom.table(&values) {
                Ok(table) => out.out(table.render(!parsed.bool("no-headers"))),
                Err(error) => out.error(format!("error: {error}")),
            }
        }
        // printGeneric: one named object prints as itself (or, missing, only as its
        // NotFound error); anything else as a List, even an empty one.
        Format::JsonPath(_) | Format::Template(_) => {
            let names: usize = lookups.iter().map(|l| l.names.len()).sum();
            let single_item_implied = !listing && names == 1;
            let as_list = !single_item_implied || all.len() > 1;
            let document: Option<serde_json::Value> = if as_list {
                Some(
                    serde_json::json!({ "apiVersion": "v1", "kind": "List", "items": all.iter().map(|o| object::cleaned(o, managed_fields)).collect::<Vec<_>>(), "metadata": { "resourceVersion": "" } }),
                )
            } else {
                all.first().map(|o| object::cleaned(o, managed_fields))
            };
            match (document, &format) {
                (Some(document), Format::Template(template)) => template.print(&document, out),
                (Some(document), Format::JsonPath(template)) => {
                    crate::printers::jsonpath::print(template, &document, out)
                }
                _ => {}
            }
        }
        Format::Name => {
            for object in &all {
                out.line(object::name(object));
            }
        }
        Format::Table => {
            let mut first_block = true;
            for (kind, objects) in &found {
                if objects.is_empty() {
                    continue;
                }
                let table = columns.table(*kind, objects, &ctx);
                let show_headers = !parsed.bool("no-headers");
                if !first_block && show_headers {
                    out.out("\n");
                }
                first_block = false;
                out.out(table.render(show_headers));
            }
        }
    }
    if total == 0 && not_found.is_empty() && !parsed.bool("ignore-not-found") && !format.generic() {
        let cluster_scoped = lookups.iter().all(|l| !l.kind.namespaced());
        if all_namespaces || cluster_scoped {
            out.note("No resources found");
        } else {
            out.note(format!("No resources found in {namespace} namespace."));
        }
    }
    if !parsed.bool("ignore-not-found") {
        for error in not_found {
            out.error(errors::render(&error));
        }
    }
}

/// The objects `-f` files name: each document's kind, namespace (its own, else `-n`) and
/// name; documents that do not decode are kubectl's errors.
fn file_lookups(
    parsed: &args::Parsed,
    stdin: &str,
    session: &Session,
) -> Result<Vec<Lookup>, Vec<String>> {
    let (loaded, failures) = manifests::load_with(
        &parsed.values("filename"),
        stdin,
        session,
        kubeplay_model::manifest::FieldValidation::Ignore,
    )
    .map_err(|error| vec![error])?;
    if !failures.is_empty() {
        return Err(failures);
    }
    Ok(loaded
        .into_iter()
        .map(|item| {
            let object = &item.document.object;
            let namespace = Some(object.namespace())
                .filter(|ns| !ns.is_empty())
                .map(str::to_string)
                .or_else(|| parsed.value("namespace").map(str::to_string));
            Lookup {
                kind: object.kind(),
                namespace,
                names: vec![object.name().to_string()],
            }
        })
        .collect())
}

/// The columns of a `get` table beyond the kind's own: NAMESPACE with `-A`, `-L` label
/// columns, LABELS with `--show-labels`, and `kind/` before names when several kinds show.
pub struct Columns {
    wide: bool,
    all_namespaces: bool,
    with_kind: bool,
    label_columns: Vec<String>,
    show_labels: bool,
}

impl Columns {
    pub fn new(parsed: &args::Parsed, several_kinds: bool) -> Columns {
        Columns {
            wide: parsed.value("output") == Some("wide"),
            all_namespaces: parsed.bool("all-namespaces"),
            with_kind: several_kinds || parsed.bool("show-kind"),
            // `-L key1,key2`: one column per key, headed by its last path segment.
            label_columns: parsed
                .values("label-columns")
                .iter()
                .flat_map(|v| v.split(',').map(str::to_string).collect::<Vec<_>>())
                .collect(),
            show_labels: parsed.bool("show-labels"),
        }
    }

    fn namespaced_column(&self, kind: Kind) -> bool {
        self.all_namespaces && kind.namespaced()
    }

    /// The table of one kind's objects: the kind's own table plus these columns.
    pub fn table(&self, kind: Kind, objects: &[&Object], ctx: &RowContext) -> Table {
        let own = rows::table(kind, objects.iter().copied(), ctx);
        Table {
            headers: self.add_headers(kind, own.headers),
            rows: own
                .rows
                .into_iter()
                .zip(objects)
                .map(|(cells, object)| self.add_cells(object, kind, cells))
                .collect(),
        }
    }

    /// The headers of [`Columns::table`], for printers that go row by row (`--watch`).
    pub fn headers(&self, kind: Kind) -> Vec<String> {
        self.add_headers(kind, rows::headers(kind, self.wide))
    }

    /// One row of [`Columns::table`].
    pub fn cells(&self, object: &Object, kind: Kind, ctx: &RowContext) -> Vec<String> {
        self.add_cells(object, kind, rows::row(object, ctx))
    }

    fn add_headers(&self, kind: Kind, mut headers: Vec<String>) -> Vec<String> {
        if self.namespaced_column(kind) {
            headers.insert(0, "NAMESPACE".into());
        }
        for key in &self.label_columns {
            headers.push(key.rsplit('/').next().unwrap_or(key).to_uppercase());
        }
        if self.show_labels {
            headers.push("LABELS".into());
        }
        headers
    }

    fn add_cells(&self, object: &Object, kind: Kind, mut cells: Vec<String>) -> Vec<String> {
        if self.with_kind
            && kind != Kind::Event
            && let Some(name) = cells.first_mut()
        {
            *name = format!("{}/{name}", kind.qualified_singular());
        }
        if self.namespaced_column(kind) {
            cells.insert(0, object.namespace().to_string());
        }
        for key in &self.label_columns {
            cells.push(object.meta().label(key).unwrap_or_default().to_string());
        }
        if self.show_labels {
            let labels = object.meta().labels.clone().unwrap_or_default();
            let text = labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            cells.push(if text.is_empty() {
                "<none>".into()
            } else {
                text
            });
        }
        cells
    }
}
