//! The `yuanzhu` binary: command-line parsing and the edge where errors become messages.

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use yuanzhu::config::Config;
use yuanzhu::domain::Settings;
use yuanzhu::service::{LocalBackend, Request, Response, Role, Service, Today, now_cst};
use yuanzhu::store::{Stamp, Store, StoreConfig};
use yuanzhu::tui::theme::{Borders, ThemeName};
use yuanzhu::tui::{App, Keymap, Theme, keymap, terminal};

#[derive(Parser)]
#[command(
    name = "yuanzhu",
    version,
    about = "援助：就业困难人员援助台账（江西就业援助经办）",
    long_about = None
)]
struct Cli {
    /// 数据目录（数据库就在此目录）；也可用环境变量 YUANZHU_DATA_DIR
    #[arg(long, global = true, env = "YUANZHU_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// 按此日期计算规则（YYYY-MM-DD，中国标准时间）；也可用 YUANZHU_TODAY
    #[arg(long, global = true, env = "YUANZHU_TODAY", value_name = "YYYY-MM-DD")]
    today: Option<String>,
    /// 键位文件：default、vim 或文件路径；也可用 YUANZHU_KEYMAP
    #[arg(long, global = true, env = "YUANZHU_KEYMAP", value_name = "FILE")]
    keymap: Option<String>,
    /// 配色：16（默认）或 mono（仅粗体与反显；设置 NO_COLOR 时默认 mono）
    #[arg(long, global = true, value_enum)]
    theme: Option<ThemeName>,
    /// 边框：box（默认）或 ascii（中文环境下制表符显示为双宽时用）
    #[arg(long, global = true, value_enum)]
    borders: Option<Borders>,
    /// 以此账户身份操作（仅限演示数据库，用于试用各角色）
    #[arg(long = "as", global = true, value_name = "NAME")]
    as_user: Option<String>,
    /// 配置文件（默认为用户配置目录下的 config.toml）；也可用 YUANZHU_CONFIG
    #[arg(long, global = true, env = "YUANZHU_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// 打开演示县（不存在时生成）
    Demo {
        /// 生成的户数（默认 2000）
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=200_000))]
        households: Option<u32>,
        /// 删除并重新生成演示数据
        #[arg(long)]
        reset: bool,
    },
    /// 键位文件
    Keymap {
        #[command(subcommand)]
        command: KeymapCommand,
    },
    /// 账户（管理员）
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// 审计记录
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// 添加账户：NAME 为系统用户名
    Add {
        name: String,
        /// 乡镇经办、县级审核或管理员
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// 乡镇（名称或代码）；乡镇经办必填
        #[arg(long)]
        township: Option<String>,
    },
    /// 列出账户
    List,
    /// 停用账户
    Disable { name: String },
}

fn parse_role(s: &str) -> std::result::Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("角色应为 乡镇经办、县级审核 或 管理员，而不是“{s}”"))
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 校验审计链：报告第一条被改动、插入或删除的记录，以及被截断的末尾
    Verify,
    /// 列出审计记录（可按身份证号筛选）
    Show {
        /// 只列出与此人（身份证号）有关的记录
        #[arg(long, value_name = "ID")]
        person: Option<String>,
    },
}

#[derive(Subcommand)]
enum KeymapCommand {
    /// 检查键位文件，逐行报告错误
    Check { file: PathBuf },
}

/// Parsed here rather than by clap, so that only the value that wins (the flag over the
/// variable) is judged.
fn parse_today(s: &str) -> Result<NaiveDate> {
    yuanzhu::domain::followup_form::parse_date(s)
        .map_err(|m| anyhow::anyhow!("--today / YUANZHU_TODAY 的值“{s}”有误：{m}"))
}

const DEFAULT_DEMO_HOUSEHOLDS: u32 = 2000;

fn project_dirs() -> Result<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "jiangxi", "yuanzhu")
        .context("无法确定用户数据目录，请用 --data-dir 指定")
}

fn main() {
    if let Err(e) = run() {
        eprintln!("错误：{e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let cli = Cli::parse();
    let today = match cli.today.as_deref() {
        Some(s) => Today::Fixed(parse_today(s)?),
        None => Today::Clock,
    };
    let config = match &cli.config {
        Some(path) if !path.exists() => bail!("找不到配置文件 {}", path.display()),
        Some(path) => Config::load(path)?,
        None => match project_dirs() {
            Ok(dirs) => Config::load(&dirs.config_dir().join("config.toml"))?,
            Err(_) => Config::default(),
        },
    };
    let front = Front {
        today,
        keymap: cli.keymap.clone().or(config.keymap.clone()),
        theme: Theme::choose(
            cli.theme.or(config.theme),
            cli.borders.or(config.borders).unwrap_or_default(),
        ),
        store: StoreConfig {
            cache_bytes: config.cache_mb.unwrap_or(64) * 1024 * 1024,
        },
    };
    match cli.command {
        Some(Command::Keymap {
            command: KeymapCommand::Check { file },
        }) => check_keymap(&file),
        Some(Command::User { command }) => {
            let dir = store_dir(&cli.data_dir)?;
            let service = Service::new(Store::open(&dir, front.store)?, today, Settings::default());
            let actor = service.actor_for(&acting_user(&service, cli.as_user.as_deref())?)?;
            let request = match command {
                UserCommand::Add {
                    name,
                    role,
                    township,
                } => Request::AddUser {
                    name,
                    role,
                    township,
                },
                UserCommand::List => Request::ListUsers,
                UserCommand::Disable { name } => Request::DisableUser { name },
            };
            match service.handle(&actor, request)?.body {
                Response::Users(users) => {
                    for u in users {
                        println!(
                            "{:<16} {:<6} {:<10} {}",
                            u.name,
                            u.role.label(),
                            u.township.unwrap_or_default(),
                            if u.disabled { "已停用" } else { "" }
                        );
                    }
                }
                _ => println!("已完成"),
            }
            Ok(())
        }
        Some(Command::Audit { command }) => {
            let dir = match &cli.data_dir {
                Some(d) => d.clone(),
                None => project_dirs()?.data_dir().join("store"),
            };
            if !Store::exists(&dir) {
                bail!("在 {} 未找到数据库", dir.display());
            }
            let store = Store::open(&dir, front.store)?;
            match command {
                AuditCommand::Verify => verify_audit(&store),
                AuditCommand::Show { person } => show_audit(&store, person.as_deref()),
            }
        }
        Some(Command::Demo { households, reset }) => {
            let dir = match &cli.data_dir {
                Some(d) => d.clone(),
                None => project_dirs()?.data_dir().join("demo"),
            };
            prepare_demo(&dir, households, reset, today.date())?;
            open_tui(&dir, &front, cli.as_user.as_deref())
        }
        None => {
            let dir = match &cli.data_dir {
                Some(d) => d.clone(),
                None => project_dirs()?.data_dir().join("store"),
            };
            if !Store::exists(&dir) {
                bail!(
                    "在 {} 未找到数据库。试用请运行 `yuanzhu demo`，或用 --data-dir 指定数据目录。",
                    dir.display()
                );
            }
            open_tui(&dir, &front, cli.as_user.as_deref())
        }
    }
}

fn check_keymap(file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("无法读取键位文件 {}", file.display()))?;
    match keymap::check(&text, &file.display().to_string()) {
        Ok(()) => {
            println!("{}：没有发现问题", file.display());
            Ok(())
        }
        Err(errors) => {
            for e in &errors {
                println!("{e}");
            }
            bail!("键位文件有 {} 处错误", errors.len())
        }
    }
}

fn verify_audit(store: &Store) -> Result<()> {
    let v = store.verify_audit()?;
    match v.problem {
        None => {
            let hex: String = v
                .head
                .hash
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect();
            println!("审计链完整：共 {} 条，末条哈希 {hex}…", v.entries);
            Ok(())
        }
        Some(problem) => {
            println!("审计链校验失败：{problem}（此前 {} 条完好）", v.entries);
            bail!("审计链校验失败")
        }
    }
}

fn show_audit(store: &Store, person: Option<&str>) -> Result<()> {
    // The records that belong to the person: their own, and their cases (and follow-ups).
    let keys: Option<Vec<[u8; 8]>> = match person {
        Some(id) => {
            let id = yuanzhu::domain::IdNumber::parse(id)
                .map_err(|e| anyhow::anyhow!("身份证号有误：{e}"))?;
            let pid = store
                .person_by_id_number(id.as_str())?
                .ok_or_else(|| anyhow::anyhow!("没有身份证号为 {} 的人员", id.masked()))?;
            let mut keys = vec![pid.to_key()];
            keys.extend(
                store
                    .summaries()?
                    .iter()
                    .filter(|s| s.person == pid)
                    .map(|s| s.case.to_key()),
            );
            Some(keys)
        }
        None => None,
    };
    for e in store.audit_entries(1)? {
        if let Some(keys) = &keys {
            let touches = e
                .changes
                .iter()
                .any(|c| keys.iter().any(|k| c.key.starts_with(k)));
            if !touches {
                continue;
            }
        }
        println!(
            "{:>6}  {}  {}  {}  {}",
            e.seq,
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.action,
            e.target
        );
    }
    Ok(())
}

fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "caseworker".to_string())
}

fn prepare_demo(dir: &Path, households: Option<u32>, reset: bool, today: NaiveDate) -> Result<()> {
    if reset && Store::exists(dir) {
        {
            let store = Store::open(dir, StoreConfig::default())?;
            let is_demo = store.county()?.is_some_and(|c| c.demo_households.is_some());
            if !is_demo {
                bail!("{} 不是演示数据库，拒绝删除", dir.display());
            }
        }
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("无法删除旧的演示数据 {}", dir.display()))?;
    }
    if Store::exists(dir) {
        let store = Store::open(dir, StoreConfig::default())?;
        match store.county()?.and_then(|c| c.demo_households) {
            None => bail!("{} 不是演示数据库；请换一个 --data-dir", dir.display()),
            Some(existing) => {
                if store.accounts()?.is_empty() {
                    // A demo made before accounts existed: give it the demo's accounts.
                    let county = store.county()?.context("演示数据库缺少县区信息")?;
                    let accounts: Vec<_> = yuanzhu::demo::demo_accounts(&county, &os_user())
                        .into_iter()
                        .map(|a| (a, None))
                        .collect();
                    let stamp = Stamp {
                        actor: os_user(),
                        at: now_cst(),
                    };
                    store.put_accounts(&accounts, &stamp, "建立演示账户")?;
                }
                if let Some(wanted) = households.filter(|w| *w != existing) {
                    bail!(
                        "{} 已有 {existing} 户的演示数据，不是 {wanted} 户。要重新生成请加 --reset：\n  yuanzhu demo --households {wanted} --reset",
                        dir.display()
                    );
                }
            }
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
    let n = households.unwrap_or(DEFAULT_DEMO_HOUSEHOLDS);
    let store = Store::open(dir, StoreConfig::default())?;
    let stamp = Stamp {
        actor: os_user(),
        at: now_cst(),
    };
    eprintln!("正在生成演示县：{n} 户……");
    yuanzhu::demo::generate(
        &store,
        &yuanzhu::demo::DemoSpec {
            households: n,
            today,
        },
        &stamp,
    )?;
    Ok(())
}

fn load_keymap(choice: Option<&str>) -> Result<Keymap> {
    let user_file = project_dirs()
        .ok()
        .map(|d| d.config_dir().join("keymap.toml"));
    match choice {
        Some(name) if Keymap::named(name).is_some() => {
            Ok(Keymap::named(name).unwrap_or_else(Keymap::builtin))
        }
        Some(path) => read_keymap(Path::new(path)),
        None => match user_file.filter(|f| f.exists()) {
            Some(f) => read_keymap(&f),
            None => Ok(Keymap::builtin()),
        },
    }
}

fn read_keymap(path: &Path) -> Result<Keymap> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取键位文件 {}", path.display()))?;
    Keymap::with_overrides(&text, &path.display().to_string()).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("键位文件有错误：\n{}", lines.join("\n"))
    })
}

/// How this terminal's front is set up: flags over the config file over defaults.
struct Front {
    today: Today,
    keymap: Option<String>,
    theme: Theme,
    store: StoreConfig,
}

fn store_dir(data_dir: &Option<PathBuf>) -> Result<PathBuf> {
    let dir = match data_dir {
        Some(d) => d.clone(),
        None => project_dirs()?.data_dir().join("store"),
    };
    if !Store::exists(&dir) {
        bail!("在 {} 未找到数据库", dir.display());
    }
    Ok(dir)
}

/// The OS user, or on a demo store the account named by `--as`.
fn acting_user(service: &Service, as_user: Option<&str>) -> Result<String> {
    match as_user {
        None => Ok(os_user()),
        Some(name) => {
            let is_demo = service
                .store()
                .county()?
                .is_some_and(|c| c.demo_households.is_some());
            if !is_demo {
                bail!("--as 只能用于演示数据库；真实数据库中的身份来自登录的系统用户");
            }
            Ok(name.to_string())
        }
    }
}

fn open_tui(dir: &Path, front: &Front, as_user: Option<&str>) -> Result<()> {
    let keymap = load_keymap(front.keymap.as_deref())?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("需要在终端中运行（标准输入输出不是终端）");
    }
    let store = Store::open(dir, front.store)?;
    let service = Service::new(store, front.today, Settings::default());
    let actor = service.actor_for(&acting_user(&service, as_user)?)?;
    let backend = Box::new(LocalBackend::new(service, actor));
    let mut app = App::new(backend, keymap, front.theme)?;
    terminal::run(&mut app).context("终端出错")?;
    Ok(())
}
