//! The demo counties the benches measure, generated once into `DIR/s<households>` and
//! reused, each run on a copy so its saves never change the next run's.

use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// `[--dir DIR] [--sizes 2000,50000]`: where the counties are kept (a folder in the
/// system's temporary one by default) and the sizes to measure.
pub fn arguments() -> anyhow::Result<(PathBuf, Vec<u32>)> {
    let mut args = std::env::args().skip(1);
    let mut dir = std::env::temp_dir().join("yuanzhu-stats");
    let mut sizes = vec![2_000u32, 50_000];
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dir" => dir = PathBuf::from(args.next().unwrap_or_default()),
            "--sizes" => {
                sizes = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|s| s.parse().ok())
                    .collect()
            }
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    Ok((dir, sizes))
}

/// Runs `measure` on a copy (`DIR/s<households>-<tag>`) of the kept county of
/// `households`, generated first if it is not kept yet; the copy is removed after.
pub fn on_copy<T>(
    root: &Path,
    households: u32,
    tag: &str,
    today: NaiveDate,
    measure: impl FnOnce(&Path) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let dir = root.join(format!("s{households}"));
    if !dir.exists() {
        eprintln!("生成演示县 {households} 户……");
        let t = std::time::Instant::now();
        yuanzhu::service::bootstrap::generate_demo(
            &dir,
            households,
            today,
            &yuanzhu::remote::login_name(),
        )?;
        eprintln!("生成用时 {:.1} s", t.elapsed().as_secs_f64());
    }
    let run = root.join(format!("s{households}-{tag}"));
    if run.exists() {
        std::fs::remove_dir_all(&run)?;
    }
    copy_dir(&dir, &run)?;
    let anchor = yuanzhu::store::Store::anchor_path(&dir);
    if anchor.exists() {
        std::fs::copy(&anchor, yuanzhu::store::Store::anchor_path(&run))?;
    }
    let m = measure(&run);
    std::fs::remove_dir_all(&run)?;
    let _ = std::fs::remove_file(yuanzhu::store::Store::anchor_path(&run));
    // The copy the open guard made of a store whose files it did not close itself.
    let _ = std::fs::remove_dir_all(root.join(format!("s{households}-{tag}.open-copy")));
    m
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}
