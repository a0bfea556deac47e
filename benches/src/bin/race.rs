//! carbide against its peers, interleaved (see [`carbide_benches::driver`]): prints a markdown
//! table and optionally writes the JSON.
//!
//! usage: race [--suite field|ntt|msm] [--rounds N] [--burst-ms MS] [--filter SUBSTRING] [--json FILE]

use std::path::PathBuf;
use std::process::ExitCode;

use carbide_benches::driver::{self, Options, fmt_time};
use carbide_benches::{Race, field_races, msm_races, ntt_races};

struct Args {
    suite: fn() -> Vec<Race>,
    suite_name: &'static str,
    opts: Options,
    json: Option<PathBuf>,
}

const USAGE: &str = "usage: race [--suite field|ntt|msm] [--rounds N] [--burst-ms MS] [--filter SUBSTRING] [--json FILE]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        suite: field_races,
        suite_name: "field",
        opts: Options::default(),
        json: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        if args.opts.apply_flag(&flag, &mut value)? {
            continue;
        }
        match flag.as_str() {
            "--suite" => match value()?.as_str() {
                "field" => (args.suite, args.suite_name) = (field_races, "field"),
                "ntt" => (args.suite, args.suite_name) = (ntt_races, "ntt"),
                "msm" => (args.suite, args.suite_name) = (msm_races, "msm"),
                other => return Err(format!("unknown suite {other:?} (field, ntt or msm)")),
            },
            "--json" => args.json = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("race: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "| race | contender | median per run | per element | peer / carbide: median [p25, p75] |"
    );
    println!("|---|---|---|---|---|");
    let results = driver::run((args.suite)(), &args.opts, |r| {
        for c in &r.contenders {
            let [r25, r50, r75] = c.ratio;
            let vs = match c.name {
                "carbide" => "—".to_string(),
                n if n.starts_with("carbide") => {
                    format!("({n} / carbide) {r50:.2}× [{r25:.2}, {r75:.2}]")
                }
                _ => format!("{r50:.2}× [{r25:.2}, {r75:.2}]"),
            };
            println!(
                "| {} | {} | {} | {} | {vs} |",
                r.group,
                c.name,
                fmt_time(c.median_s),
                fmt_time(c.median_s / r.elements as f64)
            );
        }
    });
    if let Some(path) = args.json {
        let doc = driver::to_json("race", args.suite_name, &args.opts, &results);
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        if let Err(e) = driver::write_file(&path, &text) {
            eprintln!("race: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("\nwrote {}", path.display());
    }
    ExitCode::SUCCESS
}
