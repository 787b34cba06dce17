//! The command line as users run it: exit codes, output files, formats.

use std::path::Path;
use std::process::{Command, Output};

fn bannerc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bannerc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("bannerc runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn compile_writes_the_verified_script() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("plan.sql");
    let output = bannerc(&[
        "compile",
        "golden/worked_example.bnr",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let sql = std::fs::read_to_string(&out).expect("written");
    assert_eq!(
        sql,
        std::fs::read_to_string("golden/worked_example.bnr.fused.sql").unwrap()
    );
    assert!(
        stderr(&output).contains("W0501"),
        "warnings are still shown"
    );
}

#[test]
fn compile_refuses_a_bad_campaign_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("plan.sql");
    let output = bannerc(&[
        "compile",
        "golden/error_overlap.bnr",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.exists());
    let err = stderr(&output);
    assert!(
        err.contains("[E0501] Error: phases 1 and 2 both take the days"),
        "{err}"
    );
    assert!(err.contains("golden/error_overlap.bnr:7:14"), "{err}");
    assert!(
        dir.path().read_dir().unwrap().next().is_none(),
        "no temporary file is left"
    );
}

#[test]
fn deny_warnings_refuses_warnings() {
    let output = bannerc(&["compile", "golden/worked_example.bnr", "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
}

#[test]
fn compile_in_place_and_duckdb() {
    let output = bannerc(&[
        "compile",
        "golden/worked_example.yaml",
        "--mode",
        "in-place",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("CREATE SNAPSHOT TABLE"));
    let output = bannerc(&[
        "compile",
        "golden/worked_example.bnr",
        "--dialect",
        "duckdb",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("\"banner_data\".\"banner_call_data\""));
}

#[test]
fn a_volume_split_needs_counts_to_compile() {
    let output = bannerc(&["compile", "golden/june_rotation.bnr"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("E0410"), "{}", stderr(&output));
    let output = bannerc(&[
        "compile",
        "golden/june_rotation.bnr",
        "--stats",
        "golden/june_rotation.counts.csv",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn check_reports_every_file_and_fails_on_any_error() {
    let output = bannerc(&["check", "golden/worked_example.bnr", "golden/may_daily.bnr"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("checked 2 files: 2 clean"));
    let output = bannerc(&[
        "check",
        "golden/worked_example.bnr",
        "golden/error_bad_date.bnr",
    ]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn check_github_annotations() {
    let output = bannerc(&["check", "--format", "github", "golden/error_overlap.bnr"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with("::error file=golden/error_overlap.bnr,line=7,col=14,endLine=7,endColumn=36,title=E0501::phases 1 and 2"),
        "{text}"
    );
}

#[test]
fn check_json_lists_files_and_positions() {
    let output = bannerc(&[
        "check",
        "--format",
        "json",
        "golden/error_several.bnr",
        "golden/may_daily.bnr",
    ]);
    let files: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(files[0]["ok"], false);
    assert_eq!(files[0]["diagnostics"].as_array().unwrap().len(), 2);
    assert_eq!(files[0]["diagnostics"][0]["line"], 6);
    assert_eq!(files[0]["diagnostics"][0]["column"], 37);
    assert_eq!(files[1]["ok"], true);

    // A counts file that cannot be read fails every file: one document.
    let output = bannerc(&[
        "check",
        "--format",
        "json",
        "--stats",
        "no/such/counts.csv",
        "golden/june_rotation.bnr",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(value["status"], "error");
    assert!(value["error"].as_str().unwrap().contains("cannot read"));
}

#[test]
fn check_a_volume_split_without_counts_is_clean_with_a_note() {
    let output = bannerc(&["check", "golden/june_rotation.bnr"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).contains("--stats"));
    let github = bannerc(&["check", "--format", "github", "golden/june_rotation.bnr"]);
    assert_eq!(github.status.code(), Some(0));
    assert!(
        stdout(&github).starts_with("::notice file=golden/june_rotation.bnr::volume split"),
        "{}",
        stdout(&github)
    );
}

#[test]
fn explain_json_is_stable() {
    let output = bannerc(&["explain", "--format", "json", "golden/worked_example.bnr"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let explained: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(explained["campaign"], "Q4_Banner_Campaign");
    assert_eq!(explained["zone"], "UTC");
    let third = &explained["phases"][2];
    assert_eq!(third["id"], 3);
    assert_eq!(
        third["takes"],
        serde_json::json!([["2025-04-25", "2025-04-28"]])
    );
    assert_eq!(
        third["special"],
        serde_json::json!(["add-report-prod-server"])
    );
    assert_eq!(third["target"], "2025-04-27");
    assert_eq!(third["log_name"], "H_5902_distinct_2025-04-27");
    assert_eq!(third["banner"], "5902");
    assert_eq!(explained["warnings"].as_array().unwrap().len(), 3);
}

#[test]
fn explain_json_reports_a_bad_campaign_as_a_document() {
    let output = bannerc(&["explain", "--format", "json", "golden/error_overlap.bnr"]);
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(value["status"], "error");
    assert_eq!(value["exit_code"], 1);
    assert_eq!(value["diagnostics"][0]["code"], "E0501");
    assert_eq!(value["diagnostics"][0]["line"], 7);
    assert!(stderr(&output).contains("E0501"), "{}", stderr(&output));

    let missing = bannerc(&["explain", "--format=json", "no/such/campaign.bnr"]);
    assert_eq!(missing.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&missing)).expect("json");
    assert!(value["error"].as_str().unwrap().contains("cannot read"));
}

#[test]
fn a_bad_command_line_under_format_json_still_prints_a_document() {
    for args in [
        &["plan", "--format", "json", "--no-such-flag", "x.bnr"][..],
        &["apply", "x.bnr", "--format=json", "--mode", "sideways"][..],
    ] {
        let output = bannerc(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let value: serde_json::Value = serde_json::from_str(&stdout(&output))
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&output)));
        assert_eq!(value["status"], "error");
        assert_eq!(value["exit_code"], 2);
        assert!(!value["error"].as_str().unwrap().starts_with("error:"));
        assert!(stderr(&output).starts_with("error:"), "{}", stderr(&output));
    }
    // Without JSON, standard output stays empty.
    let output = bannerc(&["plan", "--no-such-flag", "x.bnr"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[test]
fn explain_graph_is_dot() {
    let output = bannerc(&[
        "explain",
        "--graph",
        "--mode",
        "in-place",
        "golden/worked_example.bnr",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("digraph \"Q4_Banner_Campaign\" {"));
}

#[test]
fn import_gives_a_campaign_that_compiles_to_the_same_sql() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bnr = dir.path().join("imported.bnr");
    let output = bannerc(&[
        "import",
        "golden/worked_example.yaml",
        "-o",
        bnr.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let from_yaml = stdout(&bannerc(&["compile", "golden/worked_example.yaml"]));
    let from_bnr = stdout(&bannerc(&["compile", bnr.to_str().unwrap()]));
    assert!(!from_yaml.is_empty());
    assert_eq!(from_yaml, from_bnr);
}

#[test]
fn import_keeps_the_description_as_comments() {
    let dir = tempfile::tempdir().expect("temp dir");
    let yaml = dir.path().join("described.yaml");
    let original = std::fs::read_to_string("golden/worked_example.yaml").unwrap();
    let described = original.replacen(
        "campaign:\n",
        "campaign:\n  description: \"Q4 banner\\nsecond line\\rbanner 1\"\n",
        1,
    );
    assert_ne!(original, described, "the fixture has a campaign section");
    std::fs::write(&yaml, described).unwrap();
    let bnr = dir.path().join("described.bnr");
    let output = bannerc(&[
        "import",
        yaml.to_str().unwrap(),
        "-o",
        bnr.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&bnr).unwrap();
    assert!(
        text.contains("// Q4 banner\n// second line banner 1\n"),
        "{text}"
    );
    let compiled = bannerc(&["compile", bnr.to_str().unwrap()]);
    assert_eq!(compiled.status.code(), Some(0), "{}", stderr(&compiled));
    let from_yaml = stdout(&bannerc(&["compile", "golden/worked_example.yaml"]));
    assert_eq!(stdout(&compiled), from_yaml);
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    for example in ["golden/worked_example.bnr", "golden/worked_example.yaml"] {
        let name = Path::new(example).file_name().unwrap();
        let marked = dir.path().join(name);
        let mut bytes = b"\xef\xbb\xbf".to_vec();
        bytes.extend(std::fs::read(example).unwrap());
        std::fs::write(&marked, bytes).unwrap();
        let output = bannerc(&["compile", marked.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(stdout(&output), stdout(&bannerc(&["compile", example])));
    }
}

#[test]
fn import_refuses_a_configuration_that_would_not_compile() {
    let dir = tempfile::tempdir().expect("temp dir");
    let yaml = dir.path().join("overlap.yaml");
    let original = std::fs::read_to_string("golden/worked_example.yaml").unwrap();
    let overlapping = original.replacen(
        "source_start: \"2025-04-22\"",
        "source_start: \"2025-04-20\"",
        1,
    );
    assert_ne!(original, overlapping);
    std::fs::write(&yaml, overlapping).unwrap();
    let bnr = dir.path().join("overlap.bnr");
    let output = bannerc(&[
        "import",
        yaml.to_str().unwrap(),
        "-o",
        bnr.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("E0501"), "{}", stderr(&output));
    assert!(stderr(&output).contains("nothing was written"));
    assert!(!bnr.exists());
}

#[test]
fn import_writes_both_files_or_neither() {
    let dir = tempfile::tempdir().expect("temp dir");
    let campaign = dir.path().join("c.bnr");
    let nowhere = dir.path().join("no-such-dir").join("bannerc.toml");
    let output = bannerc(&[
        "import",
        "examples/original_design.yaml",
        "-o",
        campaign.to_str().unwrap(),
        "--settings",
        nowhere.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        !campaign.exists(),
        "the campaign was written without its settings"
    );

    let same = dir.path().join("same.toml");
    let output = bannerc(&[
        "import",
        "examples/original_design.yaml",
        "-o",
        same.to_str().unwrap(),
        "--settings",
        same.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("are the same file"),
        "{}",
        stderr(&output)
    );
    assert!(!same.exists());
}

#[test]
fn unreadable_input_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let garbage = dir.path().join("garbage.bnr");
    std::fs::write(&garbage, [0xff, 0xfe, 0x00, 0x9f]).unwrap();
    let output = bannerc(&["check", garbage.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("invalid UTF-8"),
        "{}",
        stderr(&output)
    );
    let output = bannerc(&["compile", "no/such/file.bnr"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("cannot read no/such/file.bnr"));
}

#[test]
fn help_and_usage() {
    let output = bannerc(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Exit status"));
    assert_eq!(
        bannerc(&["compile", "--no-such-flag", "x.bnr"])
            .status
            .code(),
        Some(2)
    );
    assert!(Path::new(env!("CARGO_BIN_EXE_bannerc")).exists());
}

#[test]
fn outputs_never_replace_inputs_and_run_ids_are_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("c.bnr");
    std::fs::copy("golden/worked_example.bnr", &input).unwrap();
    let output = bannerc(&[
        "compile",
        input.to_str().unwrap(),
        "-o",
        input.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&input).unwrap(),
        std::fs::read_to_string("golden/worked_example.bnr").unwrap()
    );
    let output = bannerc(&[
        "compile",
        "golden/worked_example.bnr",
        "--run-id",
        "x\rDROP TABLE d.staging;",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("is not a valid run id"));
    let output = bannerc(&[
        "compile",
        "golden/worked_example.bnr",
        "-o",
        "/no/such/dir/plan.sql",
    ]);
    assert_eq!(output.status.code(), Some(4));
}

#[test]
fn a_failed_write_to_standard_output_is_an_error_not_a_panic() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    for args in [
        &["explain", "golden/worked_example.bnr"][..],
        &["check", "golden/worked_example.bnr", "--format", "json"],
        &["import", "golden/worked_example.yaml"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_bannerc"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::fs::File::create("/dev/full").expect("/dev/full"))
            .output()
            .expect("bannerc runs");
        assert_eq!(
            output.status.code(),
            Some(4),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("cannot write to standard output"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[cfg(unix)]
#[test]
fn an_output_path_that_is_a_link_keeps_the_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("real.sql");
    let link = dir.path().join("link.sql");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let output = bannerc(&[
        "compile",
        "golden/worked_example.bnr",
        "-o",
        link.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        std::fs::read_to_string("golden/worked_example.bnr.fused.sql").unwrap()
    );
}

#[test]
fn import_adds_its_profile_to_an_existing_settings_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = dir.path().join("bannerc.toml");
    std::fs::write(
        &settings,
        "# where the logs live\n[engine]\nurl = \"duckdb:logs.duckdb\"\n\n[profiles.prod]\nexecution_mode = \"production\"\n\n\
         # the profile the import fills: its engine stays\n[profiles.imported.engine]\nurl = \"duckdb:rehearsal.duckdb\"\n",
    )
    .unwrap();
    let campaign = dir.path().join("c.bnr");
    let import = || {
        bannerc(&[
            "import",
            "examples/original_design.yaml",
            "-o",
            campaign.to_str().unwrap(),
            "--settings",
            settings.to_str().unwrap(),
        ])
    };
    let output = import();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(
        text.starts_with("# where the logs live\n[engine]"),
        "{text}"
    );
    let merged: toml::Table = text.parse().unwrap();
    assert_eq!(merged["engine"]["url"].as_str(), Some("duckdb:logs.duckdb"));
    assert_eq!(
        merged["profiles"]["prod"]["execution_mode"].as_str(),
        Some("production")
    );
    assert_eq!(
        merged["profiles"]["imported"]["execution_mode"].as_str(),
        Some("safe")
    );
    assert_eq!(
        merged["profiles"]["imported"]["engine"]["url"].as_str(),
        Some("duckdb:rehearsal.duckdb")
    );
    assert!(text.contains("# the profile the import fills"), "{text}");

    // Profiles written inline are merged the same way.
    std::fs::write(
        &settings,
        "profiles = { prod = { execution_mode = \"production\" }, imported = { engine = { url = \"duckdb:r.duckdb\" } } }\n",
    )
    .unwrap();
    let output = import();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let merged: toml::Table = std::fs::read_to_string(&settings).unwrap().parse().unwrap();
    assert_eq!(
        merged["profiles"]["prod"]["execution_mode"].as_str(),
        Some("production")
    );
    assert_eq!(
        merged["profiles"]["imported"]["engine"]["url"].as_str(),
        Some("duckdb:r.duckdb")
    );
    assert_eq!(
        merged["profiles"]["imported"]["execution_mode"].as_str(),
        Some("safe")
    );

    std::fs::write(&settings, "this is [ not toml").unwrap();
    let refused = import();
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("not overwriting it"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(&settings).unwrap(),
        "this is [ not toml"
    );
    // Refused before anything is written: no campaign file either.
    std::fs::remove_file(&campaign).unwrap();
    let again = import();
    assert_eq!(again.status.code(), Some(4));
    assert!(!campaign.exists(), "a refused import wrote the campaign");

    // A configuration without run settings says so and writes no settings.
    let none = dir.path().join("none.toml");
    let output = bannerc(&[
        "import",
        "golden/worked_example.yaml",
        "-o",
        campaign.to_str().unwrap(),
        "--settings",
        none.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("has no run settings"),
        "{}",
        stderr(&output)
    );
    assert!(!none.exists());
}

#[test]
fn check_without_counts_still_reports_what_the_counts_do_not_decide() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("v.bnr");
    let campaign = "campaign C {\n source `p.d.s`\n target `p.d.t`\n schedule single 2025-06-01\n \
                    from 2025-05-01..2025-05-31 split volume 10\n}\n";
    std::fs::write(&file, campaign).unwrap();
    let output = bannerc(&["check", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value[0]["diagnostics"][0]["code"], "E0401");
    assert_eq!(value[0]["diagnostics"][0]["line"], 4);

    // With a banner, only the note about the counts remains.
    std::fs::write(&file, campaign.replace(" source", " banner 7\n source")).unwrap();
    let output = bannerc(&["check", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("pass --stats counts.csv"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_notes_a_campaign_the_duckdb_engine_would_refuse() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("far.bnr");
    std::fs::write(
        &file,
        "campaign Far {\n  banner 1\n  source `p.d.staging`\n  target `p.d.calls`\n  \
         phase 1: 2025-04-01..2025-04-02 -> 2150-01-01\n}\n",
    )
    .unwrap();
    let output = bannerc(&["check", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the DuckDB engine would refuse it")
            && stderr(&output).contains("its target date 2150-01-01"),
        "{}",
        stderr(&output)
    );
    let fine = bannerc(&["check", "golden/worked_example.bnr"]);
    assert!(!stderr(&fine).contains("DuckDB"), "{}", stderr(&fine));
}
