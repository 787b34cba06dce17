#!/usr/bin/env python3
"""Check compiled BigQuery scripts with Google's ZetaSQL analyzer.

Every script is parsed as a whole (blocks, handlers, transactions), then each
statement inside it is analyzed, in order, against a catalog that holds:

- every `project.dataset.table` the script reads but does not create, with
  the Cloud Logging export layout (staging, target, backup), or the ledger's
  layout for `bannerc_runs`;
- every table the script creates (the ledger, the snapshot, the temporary
  tables), with the columns the analyzer resolved for it;
- every variable the script declares, as a constant of its type.

A failure names the file, the statement's line and the analyzer's message,
and the exit status is 1. Run with the emulator's virtualenv:

    $(scripts/bigquery-emulator.sh python) scripts/zetasql_check.py [PATH...]

PATH is a `.sql` file or a directory searched for them; the default is
`golden/`. In a directory only BigQuery scripts are checked: those whose
first line is bannerc's header ending in `BigQuery`, or whose path names
`bigquery`. Finding no script to check is a failure too.

The analyzer runs with ZetaSQL's maximum language features in the external
product mode (BigQuery's types); loading it takes about 40 seconds.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from zetasql.api import Analyzer, Parser
from zetasql.core.local_service import ZetaSqlLocalService
from zetasql.types import AnalyzerOptions, LanguageOptions, TypeKind
import zetasql.types as zt

# The export layout: the columns SEMANTICS.md names, one more payload field
# and two more columns that a campaign carries through unchanged.
EXPORT_COLUMNS = [
    ("timestamp", "TIMESTAMP"),
    ("logName", "STRING"),
    (
        "jsonPayload",
        [
            ("start_time", "STRING"),
            ("end_time", "STRING"),
            ("timestamp_get", "INT64"),
            ("banner_id", "STRING"),
            ("user_id", "STRING"),
        ],
    ),
    ("insertId", "STRING"),
    ("receiveTimestamp", "TIMESTAMP"),
]

# The ledger's layout (src/lower/ledger.rs), for scripts that use a ledger
# they do not create (a rollback).
LEDGER_TABLE = "bannerc_runs"
LEDGER_COLUMNS = [
    (name, "TIMESTAMP" if name.endswith("_at") else "STRING")
    for name in [
        "run_id", "plan_hash", "campaign", "source_table", "target_table", "mode", "status",
        "phase_counts", "claims", "backup_table", "started_at", "finished_at", "rolled_back_at",
    ]
]

SCALAR_KINDS = {
    "STRING": TypeKind.TYPE_STRING,
    "INT64": TypeKind.TYPE_INT64,
    "BOOL": TypeKind.TYPE_BOOL,
    "DATE": TypeKind.TYPE_DATE,
    "DATETIME": TypeKind.TYPE_DATETIME,
    "TIMESTAMP": TypeKind.TYPE_TIMESTAMP,
    "FLOAT64": TypeKind.TYPE_DOUBLE,
}

# Script statements that the parser checks and the analyzer does not take.
CONTROL_STATEMENTS = {
    "ASTBeginStatement",
    "ASTCommitStatement",
    "ASTRollbackStatement",
    "ASTRaiseStatement",
}

HEADER = re.compile(r"^-- bannerc .*\bBigQuery\s*$")
DECLARE = re.compile(r"^\s*DECLARE\s+(\w+)\s+(\w+)", re.IGNORECASE)


class CheckError(Exception):
    """A script the analyzer refuses: the line and the analyzer's message."""


def make_type(spec) -> zt.Type:
    """A ZetaSQL type from a scalar name or a list of (field, spec)."""
    if isinstance(spec, list):
        fields = [zt.StructField(field_name=name, field_type=make_type(inner)) for name, inner in spec]
        return zt.Type(type_kind=TypeKind.TYPE_STRUCT, struct_type=zt.StructType(field=fields))
    return zt.Type(type_kind=SCALAR_KINDS[spec])


@dataclass
class Catalog:
    """The tables and constants known so far, by lower-cased name path."""

    language: LanguageOptions
    tables: dict[tuple[str, ...], list[tuple[str, zt.Type]]] = field(default_factory=dict)
    constants: dict[str, zt.Type] = field(default_factory=dict)

    def add_table(self, path: tuple[str, ...], columns: list[tuple[str, zt.Type]]) -> None:
        self.tables[tuple(part.lower() for part in path)] = columns

    def columns(self, path: tuple[str, ...]) -> list[tuple[str, zt.Type]] | None:
        return self.tables.get(tuple(part.lower() for part in path))

    def build(self) -> zt.SimpleCatalog:
        """The catalog as ZetaSQL wants it: nested catalogs per path part."""
        root = zt.SimpleCatalog(
            name="bannerc",
            builtin_function_options=zt.ZetaSQLBuiltinFunctionOptions(language_options=self.language),
        )
        for path, columns in self.tables.items():
            node = root
            for part in path[:-1]:
                child = next((c for c in node.catalog if c.name == part), None)
                if child is None:
                    child = zt.SimpleCatalog(name=part)
                    node.catalog.append(child)
                node = child
            node.table.append(
                zt.SimpleTable(
                    name=path[-1],
                    column=[zt.SimpleColumn(name=name, type=kind) for name, kind in columns],
                )
            )
        for name, kind in self.constants.items():
            root.constant.append(zt.SimpleConstant(name_path=[name], type=kind))
        return root


# The statements a run may contain; any other kind is refused.
STATEMENT_KINDS = [
    "RESOLVED_QUERY_STMT",
    "RESOLVED_CREATE_TABLE_STMT",
    "RESOLVED_CREATE_TABLE_AS_SELECT_STMT",
    "RESOLVED_CREATE_SNAPSHOT_TABLE_STMT",
    "RESOLVED_INSERT_STMT",
    "RESOLVED_UPDATE_STMT",
    "RESOLVED_DELETE_STMT",
    "RESOLVED_MERGE_STMT",
    "RESOLVED_ASSERT_STMT",
    "RESOLVED_DROP_STMT",
    "RESOLVED_DROP_SNAPSHOT_TABLE_STMT",
]


def language_options() -> LanguageOptions:
    language = LanguageOptions.maximum_features()
    language.product_mode = zt.ProductMode.PRODUCT_EXTERNAL
    language.supported_statement_kinds = [getattr(zt.ResolvedNodeKind, k) for k in STATEMENT_KINDS]
    return language


def line_of(text: bytes, offset: int) -> int:
    return text[:offset].count(b"\n") + 1


def statement_kind(statement) -> str:
    return type(statement).__name__


def leaf_statements(statements):
    """Every statement, with the blocks and handlers opened."""
    for statement in statements:
        if statement_kind(statement) == "ASTBeginEndBlock":
            yield from leaf_statements(statement.statement_list_node.statement_list)
            handlers = statement.handler_list
            for handler in handlers.exception_handler_list if handlers else []:
                yield from leaf_statements(handler.statement_list.statement_list)
        else:
            yield statement


def read_tables(sql: str, language: LanguageOptions) -> list[tuple[str, ...]]:
    """The table paths a statement names."""
    service = ZetaSqlLocalService.get_instance()
    names = service.extract_table_names_from_statement(sql_statement=sql, options=language)
    return [tuple(name.table_name_segment) for name in names.table_name]


def register_created(catalog: Catalog, resolved, statement_sql: str) -> None:
    """Add a table that the resolved statement creates."""
    kind = type(resolved).__name__
    if kind in ("ResolvedCreateTableStmt", "ResolvedCreateTableAsSelectStmt"):
        columns = [(c.name, c.type) for c in resolved.column_definition_list]
        catalog.add_table(tuple(resolved.name_path), columns)
    elif kind == "ResolvedCreateSnapshotTableStmt":
        # The clone's source is the one table of the statement already known.
        known = [catalog.columns(p) for p in read_tables(statement_sql, catalog.language)]
        sources = [columns for columns in known if columns is not None]
        if len(sources) != 1:
            raise CheckError(f"cannot tell which table the snapshot clones: {statement_sql[:80]}")
        catalog.add_table(tuple(resolved.name_path), sources[0])


def declare(catalog: Catalog, statement_sql: str) -> None:
    match = DECLARE.match(statement_sql)
    if not match or match.group(2).upper() not in SCALAR_KINDS:
        raise CheckError(f"cannot read the declaration `{statement_sql.strip()[:80]}`")
    catalog.constants[match.group(1)] = make_type(match.group(2).upper())


def check_statement(catalog: Catalog, options: AnalyzerOptions, statement_sql: str) -> None:
    for path in read_tables(statement_sql, catalog.language):
        if len(path) == 3 and catalog.columns(path) is None:
            layout = LEDGER_COLUMNS if path[-1] == LEDGER_TABLE else EXPORT_COLUMNS
            catalog.add_table(path, [(name, make_type(spec)) for name, spec in layout])
    resolved = Analyzer(options, catalog.build()).analyze_statement(statement_sql)
    register_created(catalog, resolved, statement_sql)


def check_script(path: Path, language: LanguageOptions) -> int:
    """Analyze every statement of one script; the number analyzed."""
    text = path.read_bytes()
    sql = text.decode("utf-8")
    try:
        script = Parser(language).parse_script(sql)
    except Exception as error:  # the parser's own message is the report
        raise CheckError(f"the script does not parse: {error}") from error
    catalog = Catalog(language)
    options = AnalyzerOptions(language_options=language)
    analyzed = 0
    for statement in leaf_statements(script.statement_list_node.statement_list):
        where = statement.parse_location_range
        statement_sql = text[where.start : where.end].decode("utf-8")
        kind = statement_kind(statement)
        try:
            if kind == "ASTVariableDeclaration":
                declare(catalog, statement_sql)
            elif kind not in CONTROL_STATEMENTS:
                check_statement(catalog, options, statement_sql)
                analyzed += 1
        except CheckError as error:
            raise CheckError(f"line {line_of(text, where.start)}: {error}") from error
        except Exception as error:  # the analyzer's message is the report
            raise CheckError(f"line {line_of(text, where.start)}: {error}") from error
    return analyzed


def is_bigquery_script(path: Path) -> bool:
    if "bigquery" in str(path).lower():
        return True
    with path.open(encoding="utf-8", errors="replace") as handle:
        return bool(HEADER.match(handle.readline()))


def scripts_in(arguments: list[str]) -> list[Path]:
    paths: list[Path] = []
    for argument in arguments or ["golden"]:
        root = Path(argument)
        if root.is_file():
            paths.append(root)
        elif root.is_dir():
            paths.extend(p for p in sorted(root.rglob("*.sql")) if is_bigquery_script(p))
        else:
            print(f"zetasql_check: {argument}: no such file or directory", file=sys.stderr)
            sys.exit(1)
    return paths


def main(arguments: list[str]) -> int:
    paths = scripts_in(arguments)
    if not paths:
        print("zetasql_check: no BigQuery script found to check", file=sys.stderr)
        return 1
    language = language_options()
    failures = 0
    for path in paths:
        try:
            analyzed = check_script(path, language)
            print(f"ok   {path} ({analyzed} statements analyzed)")
        except CheckError as error:
            failures += 1
            print(f"FAIL {path}: {error}")
    print(f"zetasql_check: {len(paths) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
