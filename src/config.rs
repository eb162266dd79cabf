//! Configuration: `async-lint.toml`, `.async-lint.toml`, `[tool.async-lint]` in `pyproject.toml`,
//! `[workspace.metadata.async-lint]` / `[package.metadata.async-lint]` in `Cargo.toml`. The nearest
//! one to each file wins; within one directory, in that order.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::knowledge::Schema as KnowledgeSchema;
use crate::rules;

/// The keys of a configuration, wherever it is written (`async-lint.toml`, `.async-lint.toml`,
/// `[tool.async-lint]` in `pyproject.toml`, `[package.metadata.async-lint]` or
/// `[workspace.metadata.async-lint]` in `Cargo.toml`).
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "async-lint configuration")]
pub struct Options {
    /// The rules to run (default: all).
    #[serde(default)]
    #[schemars(with = "Vec<RuleName>")]
    pub select: Option<Vec<String>>,
    /// Rules not to run.
    #[serde(default)]
    #[schemars(with = "Vec<RuleName>")]
    pub ignore: Vec<String>,
    /// Glob (relative to the configuration's directory) -> rules not run on matching files.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Vec<RuleName>>")]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
    /// Globs of files and directories not to lint (relative to the configuration's directory).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rule -> severity.
    #[serde(default)]
    #[schemars(schema_with = "rule_map::<SeverityName>")]
    pub severity: BTreeMap<String, SeverityName>,
    /// What becomes of findings in test code, for every rule...
    #[serde(default)]
    pub tests: TestsPolicy,
    /// ... and for these rules.
    #[serde(default)]
    #[schemars(schema_with = "rule_map::<TestsPolicy>")]
    pub tests_per_rule: BTreeMap<String, TestsPolicy>,
    /// Extra knowledge, in the schema of `rules/*.toml`.
    #[serde(default)]
    pub knowledge: Knowledge,
}

/// Knowledge added to the embedded knowledge base, per language.
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Knowledge {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "KnowledgeSchema")]
    pub rust: Option<KnowledgeSchema>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "KnowledgeSchema")]
    pub python: Option<KnowledgeSchema>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
}

impl From<SeverityName> for Severity {
    fn from(s: SeverityName) -> Severity {
        match s {
            SeverityName::Error => Severity::Error,
            SeverityName::Warning => Severity::Warning,
        }
    }
}

/// What becomes of a finding in test code (test functions and modules, test files).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TestsPolicy {
    /// As anywhere else.
    #[default]
    Report,
    /// Reported as a warning, whatever its severity.
    Warn,
    /// Not reported.
    Ignore,
}

impl TestsPolicy {
    pub fn name(self) -> &'static str {
        match self {
            TestsPolicy::Report => "report",
            TestsPolicy::Warn => "warn",
            TestsPolicy::Ignore => "ignore",
        }
    }
}

/// A name that `select`, `ignore` and the other rule keys accept: a rule id, or a flake8-async or
/// ruff code in any case (as [`rules::resolve_name`] reads them).
struct RuleName;

impl schemars::JsonSchema for RuleName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleName".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut ids: Vec<&str> = rules::RULES.iter().map(|r| r.meta().id.as_str()).collect();
        ids.push(rules::INTERNAL_ERROR.as_str());
        let any_case = |code: &str| -> String {
            code.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        };
        let mut codes: Vec<&str> = rules::codes().collect();
        codes.sort_unstable();
        let codes: Vec<String> = codes.into_iter().map(any_case).collect();
        schemars::json_schema!({
            "description": "A rule id (`async-lint rules`), or a flake8-async or ruff code that means one",
            "anyOf": [
                { "enum": ids },
                { "type": "string", "pattern": format!("^(?:{})$", codes.join("|")) }
            ]
        })
    }
}

/// A table from rule names to `V`.
fn rule_map<V: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names = generator.subschema_for::<RuleName>();
    let values = generator.subschema_for::<V>();
    schemars::json_schema!({ "type": "object", "propertyNames": names, "additionalProperties": values })
}

/// The JSON schema of a configuration, for editors (`async-lint config --schema`).
pub fn json_schema() -> String {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.transforms.push(Box::new(schemars::transform::RecursiveTransform(without_null)));
    let schema = settings.into_generator().into_root_schema_for::<Options>();
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is JSON");
    text.push('\n');
    text
}

/// TOML has no null: an optional key is one left out, so `null` is neither a type nor a default.
fn without_null(schema: &mut schemars::Schema) {
    use serde_json::Value;
    let Some(object) = schema.as_object_mut() else { return };
    if object.get("default").is_some_and(Value::is_null) {
        object.remove("default");
    }
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            object.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(alternatives)) = object.get("anyOf") {
        let kept: Vec<Value> =
            alternatives.iter().filter(|a| a.get("type").is_none_or(|t| t != "null")).cloned().collect();
        if let [only] = kept.as_slice() {
            let only = only.as_object().cloned().unwrap_or_default();
            object.remove("anyOf");
            object.extend(only);
        } else {
            object.insert("anyOf".into(), Value::Array(kept));
        }
    }
}

/// One configuration file, read and checked.
#[derive(Debug)]
pub struct Config {
    /// The file it came from.
    pub origin: PathBuf,
    /// The directory its globs are relative to.
    pub dir: PathBuf,
    pub options: Options,
    exclude: GlobSet,
    per_file_ignores: Vec<(GlobSet, Vec<String>)>,
}

#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a configuration can live in a directory, in order of precedence.
const SOURCES: [&str; 4] = ["async-lint.toml", ".async-lint.toml", "pyproject.toml", "Cargo.toml"];

/// The root of the project that `paths` belong to, where its cache lives (as ruff keeps
/// `.ruff_cache`): the directory of `--config` when one is given, else the nearest directory at or
/// above the paths' common ancestor that holds a configuration source (`pyproject.toml` and
/// `Cargo.toml` count even without our section) or `.git`. None: the paths are in no project.
pub fn project_root(paths: &[PathBuf], config_file: Option<&Path>) -> Option<PathBuf> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    if let Some(file) = config_file {
        return absolute(file).parent().map(Path::to_path_buf);
    }
    let mut paths = paths.iter().map(|p| absolute(p));
    let first = paths.next()?;
    let mut common = if first.is_dir() { first } else { first.parent()?.to_path_buf() };
    for path in paths {
        while !path.starts_with(&common) {
            if !common.pop() {
                return None;
            }
        }
    }
    common
        .ancestors()
        .find(|dir| SOURCES.iter().any(|source| dir.join(source).is_file()) || dir.join(".git").exists())
        .map(Path::to_path_buf)
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<PyprojectTool>,
}

#[derive(Deserialize)]
struct PyprojectTool {
    #[serde(rename = "async-lint")]
    async_lint: Option<Options>,
}

#[derive(Deserialize)]
struct CargoManifest {
    package: Option<CargoSection>,
    workspace: Option<CargoSection>,
}

#[derive(Deserialize)]
struct CargoSection {
    metadata: Option<CargoMetadata>,
}

#[derive(Deserialize)]
struct CargoMetadata {
    #[serde(rename = "async-lint")]
    async_lint: Option<Options>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn parse_error(path: &Path, text: &str, error: toml::de::Error) -> ConfigError {
    let line = error.span().map_or(1, |s| line_of(text, s.start));
    let message = error.message().trim().to_string();
    ConfigError(format!("{}:{line}: {message}", path.display()))
}

/// The 1-based line where `needle` (a key) first appears, for errors found after parsing.
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines().position(|l| l.contains(key)).map_or(1, |i| i + 1)
}

impl Config {
    /// Reads the configuration a file holds, if it holds one (a `pyproject.toml` without
    /// `[tool.async-lint]` holds none).
    pub fn read(path: &Path) -> Result<Option<Config>, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("{}: cannot read the configuration: {e}", path.display())))?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let options = match name {
            "pyproject.toml" => {
                let doc: Pyproject = toml::from_str(&text).map_err(|e| parse_error(path, &text, e))?;
                doc.tool.and_then(|t| t.async_lint)
            }
            "Cargo.toml" => {
                let doc: CargoManifest = toml::from_str(&text).map_err(|e| parse_error(path, &text, e))?;
                let package = doc.package.and_then(|p| p.metadata).and_then(|m| m.async_lint);
                package.or_else(|| doc.workspace.and_then(|w| w.metadata).and_then(|m| m.async_lint))
            }
            _ => Some(toml::from_str(&text).map_err(|e| parse_error(path, &text, e))?),
        };
        let Some(options) = options else { return Ok(None) };
        Config::new(path, &text, options).map(Some)
    }

    fn new(origin: &Path, text: &str, mut options: Options) -> Result<Config, ConfigError> {
        let at = |key: &str, message: String| {
            ConfigError(format!("{}:{}: {message}", origin.display(), line_of_key(text, key)))
        };
        // Rule ids or flake8-async/ruff codes, as rule ids.
        let resolve =
            |name: &String| rules::resolve_name(name).map(|id| id.as_str().to_string()).map_err(|e| at(name, e));
        let resolve_all = |names: &[String]| names.iter().map(resolve).collect::<Result<Vec<_>, _>>();
        options.select = options.select.as_deref().map(resolve_all).transpose()?;
        options.ignore = resolve_all(&options.ignore)?;
        for names in options.per_file_ignores.values_mut() {
            *names = resolve_all(names)?;
        }
        options.severity = std::mem::take(&mut options.severity)
            .into_iter()
            .map(|(k, v)| Ok((resolve(&k)?, v)))
            .collect::<Result<_, _>>()?;
        options.tests_per_rule = std::mem::take(&mut options.tests_per_rule)
            .into_iter()
            .map(|(k, v)| Ok((resolve(&k)?, v)))
            .collect::<Result<_, _>>()?;
        let glob = |pattern: &str| {
            Glob::new(pattern).map_err(|e| at(pattern, format!("invalid glob `{pattern}`: {}", e.kind())))
        };
        let exclude = exclusions(&options.exclude).map_err(|e| at("exclude", e))?;
        let mut per_file_ignores = Vec::new();
        for (pattern, rules) in &options.per_file_ignores {
            let set = GlobSetBuilder::new().add(glob(pattern)?).build().map_err(|e| at(pattern, e.to_string()))?;
            per_file_ignores.push((set, rules.clone()));
        }
        for (language, schema) in [("rust", &options.knowledge.rust), ("python", &options.knowledge.python)] {
            let Some(schema) = schema else { continue };
            let language =
                if language == "rust" { crate::model::Language::Rust } else { crate::model::Language::Python };
            crate::knowledge::Knowledge::empty(language)
                .extend(schema.clone())
                .map_err(|e| at("knowledge", format!("invalid knowledge: {e}")))?;
        }
        let dir = origin.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Config { origin: origin.to_path_buf(), dir, exclude, per_file_ignores, options })
    }

    fn relative<'p>(&self, path: &'p Path) -> Option<&'p Path> {
        path.strip_prefix(&self.dir).ok()
    }

    pub fn excludes(&self, path: &Path) -> bool {
        self.relative(path).is_some_and(|rel| self.exclude.is_match(rel))
    }

    /// Whether `rule` runs on `path` under this configuration (`select` is not consulted when the
    /// command line selects rules itself).
    pub fn enables(&self, rule: RuleId, path: &Path, cli_selects: bool) -> bool {
        let rule = rule.as_str();
        let selected = cli_selects || self.options.select.as_ref().is_none_or(|s| s.iter().any(|r| r == rule));
        let ignored = self.options.ignore.iter().any(|r| r == rule);
        let ignored_here = self.relative(path).is_some_and(|rel| {
            self.per_file_ignores.iter().any(|(set, rules)| set.is_match(rel) && rules.iter().any(|r| r == rule))
        });
        selected && !ignored && !ignored_here
    }

    pub fn severity(&self, rule: RuleId) -> Option<Severity> {
        self.options.severity.get(rule.as_str()).map(|s| (*s).into())
    }

    pub fn tests_policy(&self, rule: RuleId) -> TestsPolicy {
        self.options.tests_per_rule.get(rule.as_str()).copied().unwrap_or(self.options.tests)
    }

    /// Applies this configuration to a finding in `path`: its severity and the policy for test
    /// code. False when the finding is not to be reported.
    pub fn apply(&self, d: &mut Diagnostic, path: &Path, cli_selects: bool) -> bool {
        if let Some(severity) = self.severity(d.rule) {
            d.severity = severity;
        }
        if d.in_test {
            match self.tests_policy(d.rule) {
                TestsPolicy::Report => {}
                TestsPolicy::Warn => d.severity = Severity::Warning,
                TestsPolicy::Ignore => return false,
            }
        }
        self.enables(d.rule, path, cli_selects)
    }
}

/// What `exclude` patterns match, relative to their base directory: each pattern, and everything
/// below what it names (`gen` excludes `gen/a.py`).
pub fn exclusions<S: AsRef<str>>(patterns: &[S]) -> Result<GlobSet, String> {
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        let pattern = pattern.as_ref();
        let glob = |p: &str| Glob::new(p).map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()));
        set.add(glob(pattern)?);
        set.add(glob(&format!("{}/**", pattern.trim_end_matches('/')))?);
    }
    set.build().map_err(|e| e.to_string())
}

/// Finds and caches the configuration nearest to each file.
#[derive(Default)]
pub struct Configs {
    by_dir: HashMap<PathBuf, Option<usize>>,
    pub loaded: Vec<Config>,
    /// What every file gets instead of its nearest configuration (`--config`, `--isolated`).
    fixed: Option<Option<usize>>,
}

impl Configs {
    /// One configuration for every file, or with `None` none at all, whatever lies beside them.
    pub fn only(config: Option<Config>) -> Configs {
        let fixed = Some(config.as_ref().map(|_| 0));
        Configs { by_dir: HashMap::new(), loaded: config.into_iter().collect(), fixed }
    }

    /// The configuration nearest to `path` (searching its directory and then each parent).
    pub fn for_path(&mut self, path: &Path) -> Result<Option<&Config>, ConfigError> {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let start = if absolute.is_dir() { Some(absolute.as_path()) } else { absolute.parent() };
        let index = self.nearest(start)?;
        Ok(index.map(|i| &self.loaded[i]))
    }

    /// Like [`Configs::for_path`], for a path known to be a file (no need to ask the disk).
    pub fn for_file(&mut self, path: &Path) -> Result<Option<&Config>, ConfigError> {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let index = self.nearest(absolute.parent())?;
        Ok(index.map(|i| &self.loaded[i]))
    }

    fn nearest(&mut self, dir: Option<&Path>) -> Result<Option<usize>, ConfigError> {
        if let Some(fixed) = self.fixed {
            return Ok(fixed);
        }
        let Some(dir) = dir else { return Ok(None) };
        if let Some(found) = self.by_dir.get(dir) {
            return Ok(*found);
        }
        let mut found = None;
        for name in SOURCES {
            let candidate = dir.join(name);
            if candidate.is_file()
                && let Some(config) = Config::read(&candidate)?
            {
                self.loaded.push(config);
                found = Some(self.loaded.len() - 1);
                break;
            }
        }
        if found.is_none() {
            found = self.nearest(dir.parent())?;
        }
        self.by_dir.insert(dir.to_path_buf(), found);
        Ok(found)
    }
}

/// The effective configuration, as TOML a user can read and copy.
pub fn describe(config: Option<&Config>) -> String {
    let mut out = String::new();
    let options = config.map(|c| c.options.clone()).unwrap_or_default();
    match config {
        Some(c) => out.push_str(&format!("# from {}\n", c.origin.display())),
        None => out.push_str("# no configuration file applies: built-in defaults\n"),
    }
    let list = |items: &[String]| {
        let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
        format!("[{}]", quoted.join(", "))
    };
    let all: Vec<String> = rules::RULES.iter().map(|r| r.meta().id.to_string()).collect();
    out.push_str(&format!("select = {}\n", list(options.select.as_deref().unwrap_or(&all))));
    out.push_str(&format!("ignore = {}\n", list(&options.ignore)));
    out.push_str(&format!("exclude = {}\n", list(&options.exclude)));
    out.push_str(&format!("tests = \"{}\"\n", options.tests.name()));
    out.push_str("\n[per-file-ignores]\n");
    for (pattern, rules) in &options.per_file_ignores {
        out.push_str(&format!("{pattern:?} = {}\n", list(rules)));
    }
    out.push_str("\n[severity]\n");
    for rule in rules::RULES {
        let meta = rule.meta();
        let severity = config.and_then(|c| c.severity(meta.id)).unwrap_or(meta.severity);
        let name = if severity == Severity::Error { "error" } else { "warning" };
        out.push_str(&format!("{} = \"{name}\"\n", meta.id));
    }
    out.push_str("\n[tests-per-rule]\n");
    for (rule, policy) in &options.tests_per_rule {
        out.push_str(&format!("{rule} = \"{}\"\n", policy.name()));
    }
    for (language, schema) in [("rust", &options.knowledge.rust), ("python", &options.knowledge.python)] {
        if let Some(schema) = schema {
            out.push_str(&format!("\n# [knowledge.{language}]: {}\n", schema.summary()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(name: &str, text: &str) -> Result<Option<Config>, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        Config::read(&path).map_err(|e| ConfigError(e.0.replace(&dir.path().display().to_string(), "DIR")))
    }

    #[test]
    fn unknown_keys_name_file_line_and_key() {
        let err = config("async-lint.toml", "select = [\"blocking-io\"]\nignroe = []\n").unwrap_err();
        assert!(err.0.starts_with("DIR/async-lint.toml:2: unknown field `ignroe`"), "{}", err.0);
    }

    #[test]
    fn bad_values_name_file_and_line() {
        let err = config("async-lint.toml", "\n[severity]\nblocking-io = \"fatal\"\n").unwrap_err();
        assert!(err.0.starts_with("DIR/async-lint.toml:3: unknown variant `fatal`"), "{}", err.0);
        let err = config("async-lint.toml", "ignore = [\"blocking-nap\"]\n").unwrap_err();
        assert_eq!(
            err.0,
            "DIR/async-lint.toml:1: unknown rule `blocking-nap`; did you mean `blocking-io` or `blocking-wait`? (see `async-lint rules`)"
        );
        let err = config("async-lint.toml", "\n[[knowledge.rust.blocking]]\ncategory = \"nap\"\n").unwrap_err();
        assert!(err.0.starts_with("DIR/async-lint.toml:3: unknown variant `nap`"), "{}", err.0);
    }

    #[test]
    fn pyproject_and_cargo_sections_are_read_and_others_ignored() {
        let py = config("pyproject.toml", "[project]\nname = \"x\"\n[tool.async-lint]\nignore = [\"blocking-io\"]\n");
        assert_eq!(py.unwrap().unwrap().options.ignore, vec!["blocking-io"]);
        assert!(config("pyproject.toml", "[tool.ruff]\nline-length = 100\n").unwrap().is_none());
        let cargo = config("Cargo.toml", "[package]\nname = \"x\"\n[package.metadata.async-lint]\nselect = []\n");
        assert_eq!(cargo.unwrap().unwrap().options.select, Some(vec![]));
        let err = config("Cargo.toml", "[package]\nname = \"x\"\n[package.metadata.async-lint]\nbogus = 1\n");
        assert!(err.unwrap_err().0.starts_with("DIR/Cargo.toml:4: unknown field `bogus`"));
    }

    #[test]
    fn per_file_ignores_and_excludes_match_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("async-lint.toml");
        std::fs::write(&path, "exclude = [\"gen\"]\n[per-file-ignores]\n\"tests/**\" = [\"blocking-sleep\"]\n")
            .unwrap();
        let c = Config::read(&path).unwrap().unwrap();
        assert!(c.excludes(&dir.path().join("gen/a.rs")));
        assert!(!c.excludes(&dir.path().join("src/a.rs")));
        assert!(!c.enables(crate::rules::blocking_sleep::META.id, &dir.path().join("tests/it.rs"), false));
        assert!(c.enables(crate::rules::blocking_sleep::META.id, &dir.path().join("src/a.rs"), false));
        assert!(c.enables(crate::rules::blocking_io::META.id, &dir.path().join("tests/it.rs"), false));
    }
}
