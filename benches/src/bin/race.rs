//! carbide against its peers, interleaved: each round runs every contender of a race for one
//! short burst (alternating the order), so a noisy neighbour slows both sides of the same
//! round. Reports each contender's median time and the median over rounds of the per-round
//! ratio peer/carbide (above 1: carbide is faster), with its quartiles.
//!
//! usage: race [--suite field|ntt] [--rounds N] [--burst-ms MS] [--filter SUBSTRING] [--json FILE]

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use carbide_benches::{Contender, Race, field_races, ntt_races};
use serde_json::json;

struct Args {
    suite: fn() -> Vec<Race>,
    suite_name: &'static str,
    rounds: usize,
    burst_ms: f64,
    filter: Option<String>,
    json: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        suite: field_races,
        suite_name: "field",
        rounds: 31,
        burst_ms: 20.0,
        filter: None,
        json: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--rounds" => {
                args.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?;
                if args.rounds == 0 {
                    return Err("--rounds must be at least 1".into());
                }
            }
            "--burst-ms" => {
                args.burst_ms = value()?.parse().map_err(|e| format!("--burst-ms: {e}"))?;
                if !args.burst_ms.is_finite() || args.burst_ms <= 0.0 {
                    return Err("--burst-ms must be positive".into());
                }
            }
            "--suite" => match value()?.as_str() {
                "field" => (args.suite, args.suite_name) = (field_races, "field"),
                "ntt" => (args.suite, args.suite_name) = (ntt_races, "ntt"),
                other => return Err(format!("unknown suite {other:?} (field or ntt)")),
            },
            "--filter" => args.filter = Some(value()?),
            "--json" => args.json = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                return Err(
                    "usage: race [--suite field|ntt] [--rounds N] [--burst-ms MS] [--filter SUBSTRING] [--json FILE]"
                        .into(),
                );
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(args)
}

/// Seconds for `iters` runs.
fn time(c: &mut Contender, iters: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        (c.run)();
    }
    black_box(start.elapsed().as_secs_f64())
}

/// Runs per burst so that one burst takes about `burst` seconds (after a warm-up).
fn calibrate(c: &mut Contender, burst: f64) -> u64 {
    let mut iters = 1u64;
    loop {
        let t = time(c, iters);
        if t >= burst / 4.0 || iters >= 1 << 30 {
            return ((iters as f64 * burst / t.max(1e-9)).ceil() as u64).max(1);
        }
        iters *= 2;
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn fmt_time(s: f64) -> String {
    match s {
        s if s >= 1.0 => format!("{s:.3} s"),
        s if s >= 1e-3 => format!("{:.3} ms", s * 1e3),
        s if s >= 1e-6 => format!("{:.3} µs", s * 1e6),
        s => format!("{:.2} ns", s * 1e9),
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("race: {e}");
            return ExitCode::from(2);
        }
    };
    let burst = args.burst_ms / 1e3;
    let mut results = Vec::new();
    println!(
        "| race | contender | median per run | per element | peer / carbide: median [p25, p75] |"
    );
    println!("|---|---|---|---|---|");
    for mut race in (args.suite)() {
        if args
            .filter
            .as_ref()
            .is_some_and(|f| !race.group.contains(f.as_str()))
        {
            continue;
        }
        let iters: Vec<u64> = race
            .contenders
            .iter_mut()
            .map(|c| calibrate(c, burst))
            .collect();
        let k = race.contenders.len();
        let mut samples = vec![Vec::with_capacity(args.rounds); k];
        for round in 0..args.rounds {
            let order: Vec<usize> = if round % 2 == 0 {
                (0..k).collect()
            } else {
                (0..k).rev().collect()
            };
            for i in order {
                let t = time(&mut race.contenders[i], iters[i]) / iters[i] as f64;
                samples[i].push(t);
            }
        }
        let names: Vec<&str> = race.contenders.iter().map(|c| c.name).collect();
        let base = names.iter().position(|n| *n == "carbide").unwrap_or(0);
        let mut contenders = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let s = sorted(samples[i].clone());
            let median = quantile(&s, 0.5);
            let ratios = sorted(
                samples[i]
                    .iter()
                    .zip(&samples[base])
                    .map(|(peer, ours)| peer / ours)
                    .collect(),
            );
            let (r25, r50, r75) = (
                quantile(&ratios, 0.25),
                quantile(&ratios, 0.5),
                quantile(&ratios, 0.75),
            );
            let vs = if i == base {
                "—".to_string()
            } else if name.starts_with("carbide") {
                format!("({name} / carbide) {r50:.2}× [{r25:.2}, {r75:.2}]")
            } else {
                format!("{r50:.2}× [{r25:.2}, {r75:.2}]")
            };
            println!(
                "| {} | {name} | {} | {} | {vs} |",
                race.group,
                fmt_time(median),
                fmt_time(median / race.elements as f64)
            );
            contenders.push(json!({
                "name": name,
                "median_s": median,
                "median_per_element_s": median / race.elements as f64,
                "samples_s": samples[i],
                "ratio_over_carbide": { "median": r50, "p25": r25, "p75": r75 },
                "runs_per_burst": iters[i],
            }));
        }
        results.push(json!({
            "race": race.group,
            "elements": race.elements,
            "contenders": contenders,
        }));
    }
    if let Some(path) = args.json {
        let commit = std::process::Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        let doc = json!({
            "tool": "race",
            "suite": args.suite_name,
            "commit": commit,
            "threads": std::thread::available_parallelism().map(|n| n.get()).ok(),
            "rounds": args.rounds,
            "burst_ms": args.burst_ms,
            "statistic": "median over rounds; ratio = median of per-round peer/carbide",
            "unix_time": std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .ok(),
            "races": results,
        });
        let written = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                std::fs::write(
                    &path,
                    serde_json::to_string_pretty(&doc).unwrap_or_default(),
                )
            });
        match written {
            Ok(()) => println!("\nwrote {}", path.display()),
            Err(e) => {
                eprintln!("race: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
