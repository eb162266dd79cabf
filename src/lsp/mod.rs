//! `async-lint server`: a language server over stdio. Diagnostics are computed from the editor's
//! text (open buffers overlay the files on disk), with the configuration of the file's project;
//! code actions offer a suppression comment. It never writes files.

mod transport;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, CodeDescription,
    DiagnosticRelatedInformation, DiagnosticSeverity, InitializeResult, Location, NumberOrString, Position,
    PublishDiagnosticsParams, Range, ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextEdit, Url, WorkspaceEdit,
};

use crate::config::Configs;
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::{discover, language_of, source_file};
use crate::lint::{Linter, Selection};
use crate::model::Language;

/// Serves until `exit`: status 0 after a `shutdown`, 1 without one (as the protocol asks), and 0
/// when the client closes the input.
pub fn serve() -> Result<std::process::ExitCode, String> {
    let io = transport::Stdio::start();
    let mut server = Server {
        sender: io.sender.clone(),
        documents: HashMap::new(),
        projects: HashMap::new(),
        linters: Vec::new(),
        workspace: Vec::new(),
    };
    let status = server.run(&io.receiver);
    drop(server);
    io.finish().map_err(|e| format!("the language server's output failed: {e}"))?;
    Ok(status)
}

struct Document {
    text: String,
    /// The editor's version of the text, which publications name.
    version: Option<i32>,
    /// The findings last published for it, with their fixes.
    findings: Vec<Diagnostic>,
}

struct Server {
    sender: crossbeam_channel::Sender<transport::Outgoing>,
    documents: HashMap<Url, Document>,
    /// Project root -> its files on disk, found once per root (again after a save).
    projects: HashMap<PathBuf, Vec<crate::frontend::SourceFile>>,
    /// One linter per distinct configured knowledge, each with the summaries of the files it has
    /// lowered (in memory, keyed by path and content hash): an edit lowers only the edited
    /// document again, then links the project.
    linters: Vec<(Vec<u8>, Linter)>,
    /// The workspace folders the client opened: a document inside one and in no package of its
    /// own belongs to the folder's project.
    workspace: Vec<PathBuf>,
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

impl Server {
    fn send(&self, message: impl Into<Message>) {
        // The writer only goes away when the client is gone; nothing is left to tell then.
        let _ = self.sender.send(transport::Outgoing::Message(message.into()));
    }

    fn run(&mut self, receiver: &crossbeam_channel::Receiver<Message>) -> std::process::ExitCode {
        let mut initialized = false;
        let mut shutting_down = false;
        while let Ok(first) = receiver.recv() {
            // Take everything already waiting, so a burst of edits is linted once, at its last version.
            let mut batch = vec![first];
            batch.extend(receiver.try_iter());
            let mut dirty: Vec<Url> = Vec::new();
            for message in batch {
                match message {
                    Message::Request(request) => {
                        if !initialized && request.method != "initialize" {
                            self.error(&request, ErrorCode::ServerNotInitialized, "the server is not initialized");
                            continue;
                        }
                        if shutting_down {
                            self.error(&request, ErrorCode::InvalidRequest, "the server is shutting down");
                            continue;
                        }
                        match request.method.as_str() {
                            "initialize" => {
                                initialized = true;
                                self.workspace = workspace_folders(&request.params);
                                let result = InitializeResult {
                                    capabilities: capabilities(),
                                    server_info: Some(ServerInfo {
                                        name: "async-lint".into(),
                                        version: Some(env!("CARGO_PKG_VERSION").into()),
                                    }),
                                };
                                self.send(Response::new_ok(request.id, result));
                            }
                            "shutdown" => {
                                shutting_down = true;
                                self.send(Response::new_ok(request.id, ()));
                            }
                            CodeActionRequest::METHOD => self.code_action(request),
                            _ => self.error(&request, ErrorCode::MethodNotFound, "unknown method"),
                        }
                    }
                    Message::Notification(notification) => {
                        if notification.method == transport::MALFORMED {
                            let reason = serde_json::from_value(notification.params).unwrap_or_default();
                            let _ = self.sender.send(transport::Outgoing::ParseError(reason));
                            continue;
                        }
                        if notification.method == "exit" {
                            return std::process::ExitCode::from(if shutting_down { 0 } else { 1 });
                        }
                        if shutting_down {
                            continue;
                        }
                        if let Some(uri) = self.on_notification(notification)
                            && !dirty.contains(&uri)
                        {
                            dirty.push(uri);
                        }
                    }
                    Message::Response(_) => {}
                }
            }
            for uri in dirty {
                self.publish(&uri);
            }
        }
        std::process::ExitCode::SUCCESS
    }

    fn error(&self, request: &Request, code: ErrorCode, message: &str) {
        self.send(Response::new_err(request.id.clone(), code as i32, format!("{message}: {}", request.method)));
    }

    /// Applies a document notification; returns the document to lint again.
    fn on_notification(&mut self, notification: Notification) -> Option<Url> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(notification.params).ok()?;
                let lsp_types::TextDocumentItem { uri, text, version, .. } = params.text_document;
                self.documents.insert(uri.clone(), Document { text, version: Some(version), findings: Vec::new() });
                Some(uri)
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp_types::DidChangeTextDocumentParams =
                    serde_json::from_value(notification.params).ok()?;
                let uri = params.text_document.uri;
                let text = params.content_changes.into_iter().last()?.text;
                let document = self.documents.get_mut(&uri)?;
                document.text = text;
                document.version = Some(params.text_document.version);
                Some(uri)
            }
            DidSaveTextDocument::METHOD => {
                let params: lsp_types::DidSaveTextDocumentParams = serde_json::from_value(notification.params).ok()?;
                let uri = params.text_document.uri;
                if let Some(text) = params.text
                    && let Some(document) = self.documents.get_mut(&uri)
                {
                    document.text = text;
                }
                // Files may have been added or removed: find the project's files again.
                if let Some(root) = uri.to_file_path().ok().and_then(|path| self.project_root(&path)) {
                    self.projects.remove(&root);
                }
                self.documents.contains_key(&uri).then_some(uri)
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(notification.params).ok()?;
                let uri = params.text_document.uri;
                self.documents.remove(&uri);
                self.send_diagnostics(uri, Vec::new(), None);
                None
            }
            _ => None,
        }
    }

    fn send_diagnostics(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        self.send(Notification::new(PublishDiagnostics::METHOD.into(), params));
    }

    fn publish(&mut self, uri: &Url) {
        let diagnostics = match self.lint(uri) {
            Ok(diagnostics) => diagnostics,
            Err(message) => {
                let params = lsp_types::ShowMessageParams { typ: lsp_types::MessageType::ERROR, message };
                self.send(Notification::new("window/showMessage".into(), params));
                Vec::new()
            }
        };
        let version = self.documents.get(uri).and_then(|d| d.version);
        self.send_diagnostics(uri.clone(), diagnostics, version);
    }

    fn lint(&mut self, uri: &Url) -> Result<Vec<lsp_types::Diagnostic>, String> {
        let Ok(path) = uri.to_file_path() else { return Ok(Vec::new()) };
        if language_of(&path).is_none() {
            return Ok(Vec::new());
        }
        let Some(text) = self.documents.get(uri).map(|d| d.text.clone()) else { return Ok(Vec::new()) };
        // A document outside any project is linted alone.
        let files = match self.project_root(&path) {
            None => Vec::new(),
            Some(root) => match self.projects.get(&root) {
                Some(files) => files.clone(),
                None => {
                    let found = discover(std::slice::from_ref(&root)).unwrap_or_default();
                    self.projects.insert(root, found.clone());
                    found
                }
            },
        };
        let mut files: Vec<_> = files.into_iter().filter(|f| f.path != path).collect();
        files.extend(source_file(&path));
        let overlay: HashMap<PathBuf, String> =
            self.documents.iter().filter_map(|(uri, doc)| Some((uri.to_file_path().ok()?, doc.text.clone()))).collect();
        let mut configs = Configs::default();
        let config = configs.for_path(&path).map_err(|e| e.to_string())?;
        let knowledge = config.map(|c| &c.options.knowledge);
        let key = serde_json::to_value(knowledge).and_then(|v| serde_json::to_vec(&v)).map_err(|e| e.to_string())?;
        let linter = match self.linters.iter().position(|(k, _)| *k == key) {
            Some(index) => &self.linters[index].1,
            None => {
                let mut linter = Linter::with_knowledge(knowledge)?;
                linter.set_cache(crate::cache::Cache::in_memory(linter.fingerprint()));
                self.linters.push((key, linter));
                &self.linters[self.linters.len() - 1].1
            }
        };
        let found = linter.lint_with_overlay(&files, &Selection::default(), &overlay);
        let mut kept = Vec::new();
        for mut d in found.into_iter().filter(|d| d.path == path) {
            if let Some(config) = config
                && !config.apply(&mut d, &path, false)
            {
                continue;
            }
            kept.push(d);
        }
        let out = kept.iter().map(|d| to_lsp(d, &text)).collect();
        if let Some(document) = self.documents.get_mut(uri) {
            document.findings = kept;
        }
        Ok(out)
    }

    /// The rule's own fix for the finding an editor diagnostic stands for, as a code action.
    fn fix_action(
        &self,
        uri: &Url,
        document: &Document,
        diagnostic: &lsp_types::Diagnostic,
        rule: &str,
    ) -> Option<CodeAction> {
        // The same rule on the same line; the exact start first (some clients send byte columns).
        let on_line = |d: &&Diagnostic| d.rule.as_str() == rule && d.span.line == diagnostic.range.start.line + 1;
        let exact = |d: &&Diagnostic| position(&document.text, d.span.line, d.span.column) == diagnostic.range.start;
        let finding =
            document.findings.iter().filter(on_line).find(exact).or_else(|| document.findings.iter().find(on_line))?;
        let fix = finding.fix.as_ref()?;
        let file = source_file(&uri.to_file_path().ok()?)?;
        let fixes = crate::fix::applicable(&file, &document.text, vec![fix], &mut Vec::new());
        if fixes.is_empty() {
            return None;
        }
        let mut edits: Vec<TextEdit> = fixes
            .iter()
            .flat_map(|f| &f.edits)
            .map(|e| TextEdit {
                range: Range::new(
                    position(&document.text, e.span.line, e.span.column),
                    position(&document.text, e.span.end_line, e.span.end_column),
                ),
                new_text: e.text.clone(),
            })
            .collect();
        // LSP: edits sharing a start position are inserts, in order, then at most one replace.
        // Stable, so inserts keep their order.
        edits.sort_by_key(|e| (e.range.start, e.range.start != e.range.end));
        Some(CodeAction {
            title: format!("Fix: {}", fix.title),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic.clone()]),
            edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }),
            is_preferred: Some(true),
            ..CodeAction::default()
        })
    }

    fn code_action(&self, request: Request) {
        let params: CodeActionParams = match serde_json::from_value(request.params.clone()) {
            Ok(params) => params,
            Err(e) => return self.error(&request, ErrorCode::InvalidParams, &e.to_string()),
        };
        let uri = params.text_document.uri;
        let (Some(document), Some(language)) =
            (self.documents.get(&uri), uri.to_file_path().ok().and_then(|p| language_of(&p)))
        else {
            return self.send(Response::new_ok(request.id, Vec::<CodeActionOrCommand>::new()));
        };
        let mut actions = Vec::new();
        let mut seen = HashSet::new();
        for diagnostic in params.context.diagnostics.iter().filter(|d| d.source.as_deref() == Some("async-lint")) {
            let Some(NumberOrString::String(rule)) = &diagnostic.code else { continue };
            let line = diagnostic.range.start.line;
            if !seen.insert((rule.clone(), line)) {
                continue;
            }
            if let Some(action) = self.fix_action(&uri, document, diagnostic, rule) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
            let indent: String = document
                .text
                .lines()
                .nth(line as usize)
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_whitespace())
                .collect();
            let marker = if language == Language::Python { "#" } else { "//" };
            let edit = TextEdit {
                range: Range::new(Position::new(line, 0), Position::new(line, 0)),
                new_text: format!("{indent}{marker} async-lint: allow({rule})\n"),
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Allow `{rule}` on this line"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..Default::default()
                }),
                ..CodeAction::default()
            }));
        }
        self.send(Response::new_ok(request.id, actions));
    }
}

impl Server {
    /// The directory whose files form the document's project: the Cargo package, the Python
    /// project (a `pyproject.toml`, `setup.py`, `setup.cfg` or async-lint configuration) or top
    /// package, else the workspace folder it is in. `None` for a document outside all of them, and
    /// never the file system's root.
    fn project_root(&self, path: &Path) -> Option<PathBuf> {
        let path = std::path::absolute(path).ok()?;
        let dir = path.parent()?;
        let has = |d: &Path, names: &[&str]| names.iter().any(|n| d.join(n).is_file());
        let found = match language_of(&path)? {
            Language::Rust => dir.ancestors().find(|d| has(d, &["Cargo.toml"])).map(Path::to_path_buf),
            Language::Python => {
                let markers = ["pyproject.toml", "setup.py", "setup.cfg", "async-lint.toml", ".async-lint.toml"];
                let top_package = dir.ancestors().take_while(|d| has(d, &["__init__.py"])).last();
                dir.ancestors()
                    .find(|d| has(d, &markers))
                    .or_else(|| top_package.and_then(Path::parent))
                    .map(Path::to_path_buf)
            }
        };
        let workspace = || self.workspace.iter().filter(|w| path.starts_with(w)).max_by_key(|w| w.as_os_str().len());
        found.or_else(|| workspace().cloned()).filter(|root| root.parent().is_some())
    }
}

/// The folders of the workspace the client opened (`workspaceFolders`, else `rootUri`).
fn workspace_folders(params: &serde_json::Value) -> Vec<PathBuf> {
    let params: lsp_types::InitializeParams = match serde_json::from_value(params.clone()) {
        Ok(params) => params,
        Err(_) => return Vec::new(),
    };
    #[allow(deprecated)]
    let uris = match params.workspace_folders {
        Some(folders) => folders.into_iter().map(|f| f.uri).collect(),
        None => params.root_uri.into_iter().collect::<Vec<_>>(),
    };
    uris.iter().filter_map(|uri| uri.to_file_path().ok()).filter_map(|p| std::path::absolute(p).ok()).collect()
}

/// LSP positions count UTF-16 code units; the model counts characters.
fn position(text: &str, line: u32, column: u32) -> Position {
    let line_text = text.lines().nth(line.saturating_sub(1) as usize).unwrap_or("");
    let character: usize = line_text.chars().take(column.saturating_sub(1) as usize).map(char::len_utf16).sum();
    Position::new(line.saturating_sub(1), character as u32)
}

fn to_lsp(d: &Diagnostic, text: &str) -> lsp_types::Diagnostic {
    let start = position(text, d.span.line, d.span.column);
    let end = if d.span.end_line == 0 { start } else { position(text, d.span.end_line, d.span.end_column) };
    let mut message = d.message.clone();
    if d.in_test {
        message.push_str(" (in test code)");
    }
    if let Some(chain) = d.chain() {
        message.push_str(&format!("\nvia {chain}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .via
        .iter()
        .filter_map(|step| {
            let absolute = std::path::absolute(&step.path).ok()?;
            let line = step.line.saturating_sub(1);
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    Url::from_file_path(absolute).ok()?,
                    Range::new(Position::new(line, 0), Position::new(line, 0)),
                ),
                message: format!("calls `{}`", step.function),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: Range::new(start, end),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: Url::parse(&crate::rules::docs_url(d.rule)).ok().map(|href| CodeDescription { href }),
        source: Some("async-lint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}
