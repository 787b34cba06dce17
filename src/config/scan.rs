//! Builds a [`SpanTree`] from yaml-rust2's marked events, one event at a
//! time and without recursion, and turns a YAML syntax error into a
//! diagnostic at the place the scanner stopped.
//!
//! yaml-rust2 marks where a node starts (line, and column counted in
//! characters, though in bytes inside a plain scalar); where it ends is
//! found here from the source text.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

use super::codes;
use super::tree::{Node, NodeId, Segment, Shape, SpanTree};
use crate::diag::Diagnostic;
use crate::ir::Span;

/// Read the first YAML document of `source` into a span tree.
pub(super) fn scan(source: &str) -> Result<SpanTree, Diagnostic> {
    let lines = LineIndex::new(source);
    let mut builder = Builder {
        source,
        lines: &lines,
        tree: SpanTree::default(),
        stack: vec![],
    };
    let mut parser = Parser::new_from_str(source);
    loop {
        let (event, marker) = parser
            .next_token()
            .map_err(|e| syntax_error(source, &lines, &e))?;
        match event {
            Event::StreamEnd => return Ok(builder.tree),
            Event::DocumentStart if builder.tree.root().is_some() => {
                let at = lines.offset(source, &marker, |c| c == '-');
                return Err(second_document(source, at));
            }
            event => builder.on_event(event, &marker),
        }
    }
}

fn syntax_error(source: &str, lines: &LineIndex, error: &ScanError) -> Diagnostic {
    let span = char_at(source, lines.offset(source, error.marker(), |_| true));
    if error.info().contains("recursion limit") {
        let message = "the YAML nests too deeply to be a configuration";
        let hint = "a configuration nests a few levels at most; look for unclosed `[` or `{`";
        return Diagnostic::error(codes::YAML_SYNTAX, message, span).with_hint(hint);
    }
    let message = format!("YAML syntax error: {}", error.info());
    let hint = "check the indentation, the quotes and the `key: value` form of this line";
    Diagnostic::error(codes::YAML_SYNTAX, message, span).with_hint(hint)
}

fn second_document(source: &str, at: usize) -> Diagnostic {
    let span = Span::new(at, line_end(source, at));
    Diagnostic::error(
        codes::YAML_SYNTAX,
        "a configuration is one YAML document, but a second one starts here",
        span,
    )
    .with_hint("remove the `---` line and what follows, or move it to its own file")
}

/// The one character at `at` (none at the end of the text).
fn char_at(source: &str, at: usize) -> Span {
    let width = source
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    Span::new(at, at + width)
}

/// The end of the line that `at` is on, before its line break.
fn line_end(source: &str, at: usize) -> usize {
    let rest = source.get(at..).unwrap_or("");
    at + rest.find(['\n', '\r']).unwrap_or(rest.len())
}

/// Byte offsets of the starts of lines, counted as yaml-rust2 counts them.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> Self {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        for (i, &byte) in bytes.iter().enumerate() {
            let crlf = byte == b'\r' && bytes.get(i + 1) == Some(&b'\n');
            if (byte == b'\n' || byte == b'\r') && !crlf {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    /// The byte offset of a marker. The column is read as characters, unless
    /// that lands on a character `expect` refuses and reading it as bytes
    /// does not.
    fn offset(&self, source: &str, marker: &Marker, expect: impl Fn(char) -> bool) -> usize {
        let line = marker.line().saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(source.len());
        let text = source.get(start..end).unwrap_or("");
        let by_chars = text
            .char_indices()
            .nth(marker.col())
            .map_or(text.len(), |(i, _)| i);
        let fits = |i: usize| {
            text.get(i..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(&expect)
        };
        let by_bytes = marker.col();
        if !fits(by_chars) && text.is_char_boundary(by_bytes.min(text.len())) && fits(by_bytes) {
            return start + by_bytes;
        }
        start + by_chars
    }
}

/// An open collection while its entries are read.
enum Frame {
    Map {
        node: NodeId,
        key: Option<(String, Span)>,
    },
    List {
        node: NodeId,
        next: usize,
    },
    /// Inside a key that is itself a collection; `depth` open collections.
    ComplexKey {
        start: usize,
        depth: usize,
    },
}

struct Builder<'s> {
    source: &'s str,
    lines: &'s LineIndex,
    tree: SpanTree,
    stack: Vec<Frame>,
}

impl Builder<'_> {
    fn on_event(&mut self, event: Event, marker: &Marker) {
        if let Some(Frame::ComplexKey { .. }) = self.stack.last() {
            return self.in_complex_key(&event, marker);
        }
        match event {
            Event::Scalar(value, style, ..) => self.scalar(&value, style, marker),
            Event::Alias(_) => self.alias(marker),
            Event::SequenceStart(..) => self.open(Shape::List, marker),
            Event::MappingStart(..) => self.open(Shape::Map, marker),
            Event::SequenceEnd | Event::MappingEnd => self.close(marker),
            _ => {}
        }
    }

    /// Whether the next node is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    /// Record the pending key of the open mapping. A block mapping is marked
    /// at the colon after its first key, so it is made to start at that key.
    fn set_key(&mut self, key: String, span: Span) {
        if let Some(Frame::Map { node, key: slot }) = self.stack.last_mut() {
            *slot = Some((key, span));
            let map = &mut self.tree.nodes[*node].span;
            *map = Span::new(map.start.min(span.start), map.end.max(span.end));
        }
    }

    fn scalar(&mut self, value: &str, style: TScalarStyle, marker: &Marker) {
        let first = value.chars().next();
        let start = self.lines.offset(self.source, marker, |c| match style {
            TScalarStyle::Plain => first.is_none_or(|f| f == c),
            TScalarStyle::SingleQuoted => c == '\'',
            TScalarStyle::DoubleQuoted => c == '"',
            TScalarStyle::Literal => c == '|',
            TScalarStyle::Folded => c == '>',
        });
        let span = Span::new(start, scalar_end(self.source, start, value, style));
        if self.expects_key() {
            return self.set_key(value.to_string(), span);
        }
        let empty = value.is_empty() && style == TScalarStyle::Plain;
        let id = self.add(Shape::Scalar, span);
        if empty {
            self.place_empty_value(id);
        }
        self.finish(id);
    }

    fn alias(&mut self, marker: &Marker) {
        let start = self.lines.offset(self.source, marker, |c| c == '*');
        let rest = self.source.get(start + 1..).unwrap_or("");
        let name_len = rest.find(|c: char| c.is_whitespace() || ",[]{}".contains(c));
        let span = Span::new(start, start + 1 + name_len.unwrap_or(rest.len()));
        if self.expects_key() {
            return self.set_key("?".to_string(), span);
        }
        let id = self.add(Shape::Alias, span);
        self.finish(id);
    }

    fn open(&mut self, shape: Shape, marker: &Marker) {
        let start = self.lines.offset(self.source, marker, |c| {
            if shape == Shape::List {
                c == '[' || c == '-'
            } else {
                !c.is_whitespace()
            }
        });
        if self.expects_key() {
            return self.stack.push(Frame::ComplexKey { start, depth: 1 });
        }
        let id = self.add(shape, Span::new(start, start));
        self.stack.push(match shape {
            Shape::List => Frame::List { node: id, next: 0 },
            _ => Frame::Map {
                node: id,
                key: None,
            },
        });
    }

    fn close(&mut self, marker: &Marker) {
        let node = match self.stack.pop() {
            Some(Frame::Map { node, .. } | Frame::List { node, .. }) => node,
            _ => return,
        };
        let start = self.tree.nodes[node].span.start;
        if matches!(self.source.as_bytes().get(start), Some(b'[' | b'{')) {
            let close = self
                .lines
                .offset(self.source, marker, |c| c == ']' || c == '}');
            self.extend(node, close + 1);
        }
        self.finish(node);
    }

    fn in_complex_key(&mut self, event: &Event, marker: &Marker) {
        let Some(Frame::ComplexKey { start, depth }) = self.stack.last_mut() else {
            return;
        };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => *depth += 1,
            Event::SequenceEnd | Event::MappingEnd => *depth -= 1,
            _ => {}
        }
        if *depth == 0 {
            let start = *start;
            self.stack.pop();
            let end = self.lines.offset(self.source, marker, |_| true) + 1;
            self.set_key(
                "?".to_string(),
                Span::new(start, end.min(self.source.len())),
            );
        }
    }

    /// Add a node under the open collection (or as the root).
    fn add(&mut self, shape: Shape, span: Span) -> NodeId {
        let id = self.tree.nodes.len();
        let (parent, segment, key_span) = match self.stack.last_mut() {
            Some(Frame::Map { node, key }) => {
                let (text, key_span) = key.take().unwrap_or_default();
                (Some(*node), Some(Segment::Key(text)), Some(key_span))
            }
            Some(Frame::List { node, next }) => {
                *next += 1;
                (Some(*node), Some(Segment::Index(*next - 1)), None)
            }
            _ => (None, None, None),
        };
        let depth = parent.map_or(0, |p| self.tree.nodes[p].depth + 1);
        if let Some(parent) = parent {
            self.tree.nodes[parent].children.push(id);
        }
        let is_empty_scalar = false;
        let children = Vec::new();
        let node = Node {
            parent,
            depth,
            segment,
            key_span,
            span,
            shape,
            is_empty_scalar,
            children,
        };
        self.tree.nodes.push(node);
        id
    }

    /// An empty value (`key:`) is marked at the next token, often on a later
    /// line; place it just after its key's colon instead.
    fn place_empty_value(&mut self, id: NodeId) {
        let node = &mut self.tree.nodes[id];
        node.is_empty_scalar = true;
        if let Some(key) = node.key_span {
            let rest = &self.source[key.end..line_end(self.source, key.end)];
            let at = key.end + rest.find(':').map_or(0, |colon| colon + 1);
            node.span = Span::new(at, at);
        }
    }

    /// A node is complete: its parent covers it.
    fn finish(&mut self, id: NodeId) {
        if let Some(parent) = self.tree.nodes[id].parent {
            let end = self.tree.nodes[id].span.end;
            self.extend(parent, end);
        }
    }

    fn extend(&mut self, id: NodeId, end: usize) {
        let span = &mut self.tree.nodes[id].span;
        *span = Span::new(span.start, span.end.max(end));
    }
}

/// Where a scalar that starts at `start` ends.
fn scalar_end(source: &str, start: usize, value: &str, style: TScalarStyle) -> usize {
    let rest = source.get(start..).unwrap_or("");
    let quoted =
        |quote| closing_quote(rest.as_bytes(), quote).map_or(source.len(), |end| start + end);
    match style {
        TScalarStyle::SingleQuoted => quoted(b'\''),
        TScalarStyle::DoubleQuoted => quoted(b'"'),
        TScalarStyle::Plain if rest.starts_with(value) => start + value.len(),
        TScalarStyle::Plain => {
            let line = &rest[..line_end(rest, 0)];
            let text = line.find(" #").map_or(line, |comment| &line[..comment]);
            start + text.trim_end().len()
        }
        TScalarStyle::Literal | TScalarStyle::Folded => line_end(source, start),
    }
}

/// The end (after the closing quote) of the quoted scalar that `text` starts
/// with. Single quotes escape a quote by doubling it; double quotes escape
/// any character with a backslash.
fn closing_quote(text: &[u8], quote: u8) -> Option<usize> {
    let mut i = 1;
    while let Some(&byte) = text.get(i) {
        let escapes = match quote {
            b'\'' => byte == b'\'' && text.get(i + 1) == Some(&b'\''),
            _ => byte == b'\\',
        };
        if escapes {
            i += 2;
        } else if byte == quote {
            return Some(i + 1);
        } else {
            i += 1;
        }
    }
    None
}
