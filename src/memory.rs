//! The process's own memory: its peak as the OS reports it, and handing freed memory back.

/// Peak resident memory of this process, where the OS tells it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Returns freed heap memory to the OS. glibc keeps what a step freed in its per-thread arenas
/// (hundreds of MB after the read phase's batches, the index arrays of a dedup round), where it
/// counts as resident and stacks up under the next step's arrays; between steps that matters
/// more than the few milliseconds this takes.
pub fn release_free() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only walks and trims glibc's own free lists; it is thread-safe.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Debug aid: with `SCOUR_MEMTRACE` set, prints resident and peak memory at `label`.
pub fn trace(label: &str) {
    if std::env::var_os("SCOUR_MEMTRACE").is_none() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let get = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let t = START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64();
    // CPU seconds and minor page faults so far (fields 10, 14 and 15 of /proc/self/stat,
    // counted after the command name's closing parenthesis): on a shared machine the work a
    // step did is steadier than its wall time, and page faults are costly under virtualization.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let field = |n: usize| -> u64 { fields.get(n - 3).and_then(|v| v.parse().ok()).unwrap_or(0) };
    #[cfg(unix)]
    // SAFETY: sysconf only reads a constant of the system.
    let ticks = match unsafe { libc::sysconf(libc::_SC_CLK_TCK) } {
        t if t > 0 => t as f64,
        _ => 100.0,
    };
    #[cfg(not(unix))]
    let ticks = 100.0;
    let cpu = |n: usize| field(n) as f64 / ticks;
    eprintln!(
        "MEM {t:8.2}s {label:32} rss {:6} MB  hwm {:6} MB  user {:7.2}s  sys {:6.2}s  minflt {:9}",
        get("VmRSS:"),
        get("VmHWM:"),
        cpu(14),
        cpu(15),
        field(10)
    );
}
