//! The `yuanzhu` binary: command-line parsing and the edge where errors become messages.

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use yuanzhu::config::Config;
use yuanzhu::domain::Settings;
use yuanzhu::domain::text::{csv_cell, for_terminal};
use yuanzhu::remote::{PeerCredentials, Server, SocketBackend, SocketSpec, login_name};
use yuanzhu::service::bootstrap::{self, DemoStore, NewCounty, store_exists};
use yuanzhu::service::{
    Backend, Client, LocalBackend, OpenError, Request, Role, Service, ServiceError, StoreConfig,
    Today,
};
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
    /// 援助服务的套接字（县级服务器上由管理员告知）；也可用 YUANZHU_SOCKET
    #[arg(long, global = true, env = "YUANZHU_SOCKET", value_name = "PATH")]
    socket: Option<PathBuf>,
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
        /// 生成时不导入演示名单（练习导入本县名单时用）
        #[arg(long)]
        no_lists: bool,
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
    /// 启动援助服务：独占数据库，各经办人通过套接字同时使用
    Serve {
        /// 套接字所属用户组（权限 0660），如各乡镇经办人所在的组
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
    },
    /// 建立一个空的县级数据库
    Init {
        /// 县区名称，如 于都县
        #[arg(long)]
        county: String,
        /// 县区六位行政区划代码，如 360731
        #[arg(long, value_name = "CODE")]
        code: String,
        /// 乡镇清单：每行“代码 名称”或“名称”（UTF-8 或 GBK）
        #[arg(long, value_name = "FILE")]
        townships: PathBuf,
        /// 管理员账户（系统用户名；默认为当前用户）
        #[arg(long, value_name = "USER")]
        admin: Option<String>,
    },
    /// 备份数据库（服务运行时通过服务进行；管理员）
    Backup,
    /// 从备份恢复数据库到 --data-dir（离线：先停止服务；数据目录所有者或 root）
    Restore {
        /// 备份目录（yuanzhu backup 写出的目录）
        backup: PathBuf,
        /// 数据目录已有数据库时，把它移到一旁（不删除）再恢复
        #[arg(long)]
        replace: bool,
    },
    /// 打印正在公示的名单（姓名、身份证号打码）
    Notice {
        /// 只列此乡镇（名称或代码）；不填则列全部
        #[arg(long)]
        township: Option<String>,
        /// txt（默认，适合张贴）或 csv
        #[arg(long, value_enum, default_value = "txt")]
        format: NoticeFormat,
    },
    /// 零就业家庭统计：各乡镇现有、本月新增、本月清零、本月其他原因退出，及超过清零期限的家庭
    Zero,
    /// 检查数据库：逐条读取全部记录，核对索引、审计链以及每条记录与审计是否一致（管理员；
    /// 服务停止时，数据目录所有者或 root 可直接运行）
    Check,
    /// 退出统计：按退出原因，本月与本年已批准退出的人数
    Exits,
    /// 导入其他部门的名单（管理员、县级审核）
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// 线索统计：按来源、处理情况和乡镇（乡镇经办只看本乡镇）
    Leads,
    /// 输出 shell 补全脚本（bash、zsh 或 fish），如 yuanzhu completions bash > /etc/bash_completion.d/yuanzhu
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// 输出 man 手册页（roff 格式），如 yuanzhu man > /usr/local/share/man/man1/yuanzhu.1
    Man,
    /// 月度统计：各乡镇及全县在册、新增、退出、就业、援助率（目标90%）、零就业家庭、回访
    Stats {
        /// 统计月份，YYYY-MM
        #[arg(long, value_parser = yuanzhu::service::stats_report::parse_month)]
        month: yuanzhu::domain::YearMonth,
        /// 只统计此乡镇（名称或代码）
        #[arg(long)]
        township: Option<String>,
        /// txt（默认）、csv（UTF-8）或 xlsx（工作簿，须加 --out）
        #[arg(long, default_value = "txt", value_parser = ["txt", "csv", "xlsx"])]
        format: String,
        /// 输出文件（xlsx 必须指定；txt、csv 不指定时写到标准输出）
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 监督：某月的监督发现，按规则分组，附证据（仅县级审核人员和管理员）
    Supervise {
        /// 月份，YYYY-MM
        #[arg(long, value_parser = yuanzhu::service::stats_report::parse_month)]
        month: yuanzhu::domain::YearMonth,
        /// txt（默认）或 csv（UTF-8）
        #[arg(long, default_value = "txt", value_parser = ["txt", "csv"])]
        format: String,
    },
    /// 处置监督发现：已核实或误报（误报须写明理由；仅县级审核人员和管理员，记入审计）
    SuperviseDispose {
        /// 发现编号：yuanzhu supervise 列出的编号（规则:对象:年-月）
        key: String,
        /// 已核实 或 误报
        #[arg(value_parser = yuanzhu::domain::supervise::disposition::Verdict::parse)]
        verdict: yuanzhu::domain::supervise::disposition::Verdict,
        /// 说明（误报必填）
        #[arg(long, default_value = "")]
        note: String,
        /// 改动已有处置时，填 yuanzhu supervise 列出的版本号（第N版的 N）
        #[arg(long, default_value_t = 0)]
        rev: u64,
    },
    /// 导出某月的援助台账、回访记录、线索或审计记录为 CSV 或 XLSX（姓名、身份证号默认打码）
    Export {
        /// ledger（援助台账）、followups（回访记录）、leads（线索）或 audit（审计记录）
        #[arg(value_parser = ["ledger", "followups", "leads", "audit"])]
        kind: String,
        /// 月份，YYYY-MM
        #[arg(long, value_parser = yuanzhu::service::stats_report::parse_month)]
        month: yuanzhu::domain::YearMonth,
        /// csv（UTF-8，带 BOM）或 xlsx（工作簿，须加 --out）
        #[arg(long, value_parser = ["csv", "xlsx"])]
        format: String,
        /// 输出文件（xlsx 必须指定；csv 不指定时写到标准输出）
        #[arg(long)]
        out: Option<PathBuf>,
        /// 不打码：完整的姓名和身份证号（仅管理员；每次导出记入审计，写明文件）
        #[arg(long)]
        unmasked: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum NoticeFormat {
    Txt,
    Csv,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// 导入民政、残联、人社等部门的名单，与台账比对，生成线索（默认只试导入，加 --apply 才写入）
    List {
        /// 名单来源：民政低保、民政低收入、残联持证、登记失业、监测对象、其他
        #[arg(long, value_name = "来源")]
        source: String,
        /// 名单日期（YYYY-MM-DD，默认今天）
        #[arg(long, value_name = "YYYY-MM-DD")]
        list_date: Option<String>,
        /// CSV 的编码：gbk 或 utf-8（默认自动识别）
        #[arg(long, value_name = "gbk|utf-8")]
        encoding: Option<String>,
        /// 其他表头对应的字段，如 --map 证件号=身份证号（可多次）
        #[arg(long = "map", value_name = "列名=字段")]
        maps: Vec<String>,
        /// 写入：全部合格行一次写入（不加则只报告）
        #[arg(long)]
        apply: bool,
        /// 名单文件：CSV、XLSX 或 XLS
        file: PathBuf,
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
    /// 重新确立审计锚点（锚点缺失或不符、经核实后；管理员）。本身记入审计
    ReAnchor {
        /// 为何重新确立、如何核实的（记入审计）
        #[arg(long)]
        reason: String,
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
    yuanzhu::domain::form::parse_date(s)
        .map_err(|m| anyhow::anyhow!("--today / YUANZHU_TODAY 的值“{s}”有误：{m}"))
}

const DEFAULT_DEMO_HOUSEHOLDS: u32 = 2000;

fn project_dirs() -> Result<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "jiangxi", "yuanzhu")
        .context("无法确定用户数据目录，请用 --data-dir 指定")
}

fn main() {
    if let Err(e) = run() {
        // Messages may quote what a user typed or a record holds; their lines are kept.
        let message: Vec<String> = format!("{e:#}")
            .lines()
            .map(|l| for_terminal(l).into_owned())
            .collect();
        eprintln!("错误：{}", message.join("\n"));
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let mut cli = Cli::parse();
    // Before the config is read: an installer writes these with no config or store around.
    match cli.command {
        Some(Command::Completions { shell }) => return print_completions(shell),
        Some(Command::Man) => return print_man(),
        _ => {}
    }
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
        settings: config
            .settings()
            .map_err(|e| anyhow::anyhow!("配置文件 [rules] 有误：{e}"))?,
    };
    match cli.command.take() {
        Some(Command::Keymap {
            command: KeymapCommand::Check { file },
        }) => check_keymap(&file),
        Some(Command::User { command }) => {
            let request = match command {
                UserCommand::Add {
                    name,
                    role,
                    township,
                } => {
                    warn_unless_os_user(&name);
                    Request::AddUser {
                        name,
                        role,
                        township,
                    }
                }
                UserCommand::List => Request::ListUsers,
                UserCommand::Disable { name } => Request::DisableUser { name },
            };
            let mut client = Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?);
            match request {
                Request::ListUsers => {
                    for u in client.users()? {
                        println!(
                            "{:<16} {:<6} {:<10} {}",
                            for_terminal(&u.name),
                            u.role.label(),
                            for_terminal(&u.township.unwrap_or_default()),
                            if u.disabled { "已停用" } else { "" }
                        );
                    }
                }
                request => {
                    client.done(request)?;
                    println!("已完成");
                }
            }
            Ok(())
        }
        Some(Command::Audit { command }) => {
            let owner_may = !matches!(command, AuditCommand::Show { .. });
            let mut client = Client::new(reach_as(
                &cli,
                &config,
                &front,
                &data_dir(&cli)?,
                owner_may,
            )?);
            match command {
                AuditCommand::Verify => verify_audit(&mut client),
                AuditCommand::Show { person } => show_audit(&mut client, person),
                AuditCommand::ReAnchor { reason } => {
                    client.done(Request::ReAnchor { reason })?;
                    println!("已重新确立审计锚点（此操作已记入审计）");
                    Ok(())
                }
            }
        }
        Some(Command::Check) => check_store(&cli, &config, &front),
        Some(Command::Backup) => {
            let mut client = Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?);
            let (path, entries) = client.backup()?;
            println!("已备份到 {path}（审计记录 {entries} 条）");
            println!(
                "恢复：先停止服务，再运行 yuanzhu restore {path} --data-dir 数据目录 --replace"
            );
            Ok(())
        }
        Some(Command::Restore { backup, replace }) => {
            let dir = data_dir(&cli)?;
            restore_store(
                &backup,
                &dir,
                replace,
                &socket_path(&cli, &config, &dir).0,
                &front,
            )
        }
        Some(Command::Notice { township, format }) => {
            let rows =
                Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?).notices(township)?;
            print_notices(&rows, format, today.date())
        }
        Some(Command::Zero) => {
            let rows =
                Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?).zero_employment()?;
            print_zero_employment(&rows);
            Ok(())
        }
        Some(Command::Stats {
            month,
            township,
            format,
            out,
        }) => {
            if format == "xlsx" && out.is_none() {
                bail!(yuanzhu::service::stats_workbook::WorkbookError::NoOut);
            }
            let table = Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?)
                .stats(month, township)?;
            Ok(yuanzhu::service::stats_report::write(
                &table,
                &format,
                out.as_deref(),
            )?)
        }
        Some(Command::Supervise { month, format }) => {
            let mut client = Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?);
            yuanzhu::service::supervise_report::run(&mut client, month, &format)
                .map_err(|e| anyhow::anyhow!(e))
        }
        Some(Command::SuperviseDispose {
            key,
            verdict,
            note,
            rev,
        }) => {
            let mut client = Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?);
            let done =
                yuanzhu::service::supervise_report::dispose(&mut client, &key, verdict, &note, rev)
                    .map_err(|e| anyhow::anyhow!(e))?;
            println!("{done}");
            Ok(())
        }
        Some(Command::Export {
            kind,
            month,
            format,
            out,
            unmasked,
        }) => {
            use yuanzhu::service::export_pages::{ExportArgs, run};
            let kind = yuanzhu::service::ExportKind::parse(&kind)
                .with_context(|| format!("未知的导出类型“{kind}”"))?;
            if format == "xlsx" && out.is_none() {
                bail!(yuanzhu::service::export_file::ExportFileError::NoOut);
            }
            let mut client = Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?);
            let args = ExportArgs {
                kind,
                month,
                format: &format,
                out: out.as_deref(),
                unmasked,
                page: ExportArgs::PAGE,
            };
            let mut bar = yuanzhu::progress::Bar::new("导出");
            let rows = run(&mut client, &args, &mut bar);
            bar.finish();
            let rows = rows?;
            match &out {
                Some(out) => eprintln!("已导出 {rows} 行到 {}", out.display()),
                None => eprintln!("已导出 {rows} 行"),
            }
            if unmasked {
                eprintln!("本次导出未打码，已记入审计");
            }
            Ok(())
        }
        Some(Command::Exits) => {
            let rows = Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?).exit_stats()?;
            println!("{}{}本年", pad("退出原因", 32), pad("本月", 8));
            for r in rows {
                println!(
                    "{}{:<8}{}",
                    pad(r.reason.label(), 32),
                    r.this_month,
                    r.this_year
                );
            }
            Ok(())
        }
        Some(Command::Import {
            command:
                ImportCommand::List {
                    source,
                    list_date,
                    encoding,
                    maps,
                    apply,
                    file,
                },
        }) => import_list(
            &cli,
            &config,
            &front,
            ListArgs {
                source,
                list_date,
                encoding,
                maps,
                apply,
                file,
            },
        ),
        Some(Command::Leads) => {
            let stats =
                Client::new(reach(&cli, &config, &front, &data_dir(&cli)?)?).lead_stats()?;
            print_lead_stats(&stats);
            Ok(())
        }
        Some(Command::Serve { group }) => {
            let dir = data_dir(&cli)?;
            if !store_exists(&dir) {
                bail!(
                    "在 {} 未找到数据库。先运行 yuanzhu init（或 yuanzhu demo）建立数据库。",
                    dir.display()
                );
            }
            let spec = SocketSpec {
                path: socket_path(&cli, &config, &dir).0,
                group: group.or(config.socket_group.clone()),
            };
            let limits = config
                .limits()
                .map_err(|m| anyhow::anyhow!("配置文件的 [server] 有误：{m}"))?;
            // Each connection holds a descriptor: take all the system allows this process.
            if let Err(e) = yuanzhu::remote::limits::raise_nofile() {
                eprintln!("援助服务：无法提高文件描述符上限（NOFILE）：{e}");
            }
            let (service, anchor_fault) = Service::open_to_serve(
                &dir,
                front.store,
                today,
                front.settings.clone(),
            )
            .map_err(|e| match e {
                OpenError::Locked(_) => anyhow::anyhow!(
                    "数据库 {} 正被另一个程序使用（可能已有服务在运行，或有人正直接打开它）",
                    dir.display()
                ),
                OpenError::Startup(e) => {
                    anyhow::anyhow!("数据库 {} 未通过启动检查，服务没有启动：{e}", dir.display())
                }
                other => other.into(),
            })?;
            if let Some(fault) = &anchor_fault {
                eprintln!(
                    "注意：{fault}。服务以只读方式运行，保存一律拒绝；请管理员核实后运行 yuanzhu audit re-anchor --reason \"…\""
                );
            }
            let listener = Server::bind(&spec)
                .with_context(|| format!("无法在 {} 建立套接字", spec.path.display()))?;
            let server =
                Server::new(service, std::sync::Arc::new(PeerCredentials)).with_limits(limits);
            println!(
                "援助服务已启动：数据库 {}，套接字 {}{}",
                dir.display(),
                spec.path.display(),
                spec.group
                    .as_ref()
                    .map(|g| format!("（用户组 {g}）"))
                    .unwrap_or_default()
            );
            server.stop_on_signal(spec.path.clone())?;
            server.serve(listener).context("服务出错")?;
            Ok(())
        }
        Some(Command::Init {
            county,
            code,
            townships,
            admin,
        }) => {
            let dir = data_dir(&cli)?;
            init_store(
                &dir,
                &county,
                &code,
                &townships,
                admin.as_deref(),
                today.date(),
            )
        }
        Some(Command::Demo {
            households,
            reset,
            no_lists,
        }) => {
            let dir = match &cli.data_dir {
                Some(d) => d.clone(),
                None => project_dirs()?.data_dir().join("demo"),
            };
            // A demo already served: go through the server, leaving its data alone.
            if let Ok(backend) = SocketBackend::connect(&socket_path(&cli, &config, &dir).0) {
                if reset || households.is_some() {
                    bail!("演示数据库正由援助服务使用；要重新生成，请先停止服务");
                }
                refuse_with_server(&cli)?;
                return open_tui(Box::new(backend), &front);
            }
            // Opened once: the handle that found or generated the demo serves the terminal.
            let spec = DemoWish {
                households,
                reset,
                lists: !no_lists,
            };
            let demo = prepare_demo(&dir, &spec, today.date(), front.store)?;
            let backend: Box<dyn Backend> =
                match demo.into_service(front.today, front.settings.clone()) {
                    Some(service) => {
                        let actor = local_actor(&service, &cli, &dir, false)?;
                        Box::new(LocalBackend::new(service, actor))
                    }
                    None => reach(&cli, &config, &front, &dir)?,
                };
            open_tui(backend, &front)
        }
        Some(Command::Completions { shell }) => print_completions(shell),
        Some(Command::Man) => print_man(),
        None => {
            let backend = reach(&cli, &config, &front, &data_dir(&cli)?)?;
            open_tui(backend, &front)
        }
    }
}

/// `yuanzhu import list`'s arguments.
struct ListArgs {
    source: String,
    list_date: Option<String>,
    encoding: Option<String>,
    maps: Vec<String>,
    apply: bool,
    file: PathBuf,
}

/// `yuanzhu import list`: the file read here, checked and matched by the service, and a
/// summary printed: rows, new leads, matches with the ledger, problems by kind.
fn import_list(cli: &Cli, config: &Config, front: &Front, args: ListArgs) -> Result<()> {
    use yuanzhu::domain::lead::LeadSource;
    use yuanzhu::import::{TextEncoding, parse_maps, read_list};
    let source = LeadSource::parse(&args.source).with_context(|| {
        format!(
            "--source “{}” 不认识；可用：{}",
            args.source,
            LeadSource::ALL.map(|s| s.label()).join("、")
        )
    })?;
    let list_date = match args.list_date.as_deref() {
        Some(s) => Some(
            yuanzhu::domain::form::parse_date(s)
                .map_err(|m| anyhow::anyhow!("--list-date “{s}” 有误：{m}"))?,
        ),
        None => None,
    };
    let encoding = match args.encoding.as_deref() {
        Some(e) => Some(
            TextEncoding::parse(e)
                .with_context(|| format!("--encoding “{e}” 不认识；可用 gbk 或 utf-8"))?,
        ),
        None => None,
    };
    let maps = parse_maps(&args.maps)?;
    let mut bar = yuanzhu::progress::Bar::new("读取名单");
    let rows = read_list(&args.file, encoding, &maps, &mut bar)?;
    bar.finish();
    let mut client = Client::new(reach(cli, config, front, &data_dir(cli)?)?);
    let file = args
        .file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    eprintln!("正在核对 {} 行……", rows.len());
    let parts = yuanzhu::import::in_parts(rows);
    let last = parts.len().saturating_sub(1);
    let mut summary = None;
    for (i, rows) in parts.into_iter().enumerate() {
        summary = Some(client.import_list(yuanzhu::service::ListImport {
            source,
            list_date,
            file: file.clone(),
            rows,
            apply: args.apply,
            part: u32::try_from(i).unwrap_or(u32::MAX),
            more: i < last,
        })?);
    }
    let s = summary.unwrap_or_default();
    println!(
        "{}名单 {}：{} 行，合格 {} 行",
        s.source,
        s.list_date.map(|d| d.to_string()).unwrap_or_default(),
        s.rows,
        s.good
    );
    println!(
        "新线索 {} 条（快捷通道 {}，未分配乡镇 {}）；已在台账 {} 人（记为比对信息，不改类别）；已有线索再次出现 {} 条，无变化 {} 条",
        s.new_leads.saturating_sub(s.in_ledger),
        s.fast_lane,
        s.unassigned,
        s.in_ledger,
        s.seen_again,
        s.unchanged
    );
    if s.cancelled_in_ledger > 0 {
        println!(
            "其中 {} 名在册人员的失业登记已注销，请核实是否退出：",
            s.cancelled_in_ledger
        );
        for line in &s.cancelled_rows {
            println!("  {}", for_terminal(line));
        }
    }
    for g in &s.groups {
        let what = if g.refused { "未导入" } else { "已处理" };
        println!("{}（{what}）：{} 行", g.kind, g.count);
        for line in &g.first {
            println!("  {}", for_terminal(line));
        }
    }
    if s.applied {
        println!("已写入");
    } else {
        println!("以上为试导入，未写入任何数据；确认无误后加 --apply 写入");
    }
    Ok(())
}

/// `yuanzhu leads`: leads by source and by township, by disposition.
fn print_lead_stats(stats: &yuanzhu::service::LeadStats) {
    use yuanzhu::domain::lead::Disposition;
    let header = |first: &str| {
        let mut line = pad(first, 14);
        for d in Disposition::ALL {
            line.push_str(&pad(d.label(), 12));
        }
        line.push_str("逾期未联系");
        println!("{line}");
    };
    let row = |r: &yuanzhu::service::LeadCountRow| {
        let mut line = pad(&for_terminal(&r.name), 14);
        for n in r.by_disposition {
            line.push_str(&pad(&n.to_string(), 12));
        }
        line.push_str(&r.overdue.to_string());
        println!("{line}");
    };
    header("来源");
    stats.by_source.iter().for_each(row);
    println!();
    header("乡镇");
    stats.by_township.iter().for_each(row);
    println!("已在台账的比对信息 {} 条", stats.notes);
}

/// `yuanzhu completions SHELL`: the completion script on stdout.
fn print_completions(shell: CompletionShell) -> Result<()> {
    use clap::CommandFactory;
    let shell = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "yuanzhu",
        &mut std::io::stdout(),
    );
    Ok(())
}

/// `yuanzhu man`: the manual page, generated from the same definitions as `--help`.
fn print_man() -> Result<()> {
    use clap::CommandFactory;
    clap_mangen::Man::new(Cli::command())
        .render(&mut std::io::stdout())
        .context("无法输出手册页")
}

/// Issue 13, finding 20: an account's name is an OS user's (the server knows a peer by
/// SO_PEERCRED), so a name with no such user is an account nobody can log in as. Added
/// anyway (the user may be created next), with a warning.
fn warn_unless_os_user(name: &str) {
    if !matches!(nix::unistd::User::from_name(name), Ok(Some(_))) {
        eprintln!(
            "注意：本机没有名为“{}”的系统用户。援助账户按登录的系统用户识别，请先建立同名系统用户（如 useradd -m -G yuanzhu-staff {}），否则此账户无法登录",
            for_terminal(name),
            for_terminal(name)
        );
    }
}

const AS_WITH_SERVER: &str =
    "援助服务正在运行：身份来自登录的系统用户，不能用 --as 切换；要试用其他角色，请先停止服务";

/// Issue 13, finding 6: a client's `--today` was silently ignored while a server
/// answered, since the server's date is the one every rule reads.
const TODAY_WITH_SERVER: &str = "援助服务正在运行：日期以服务器的日期为准，客户端不能用 --today（或环境变量 YUANZHU_TODAY）另设日期。请去掉 --today 并 unset YUANZHU_TODAY；要按另一日期试用，请停止服务后直接打开数据库，或由管理员以 yuanzhu --today 日期 serve 启动服务";

/// What a client may not ask of a server that answers: another identity or another day.
fn refuse_with_server(cli: &Cli) -> Result<()> {
    if cli.as_user.is_some() {
        bail!(AS_WITH_SERVER);
    }
    if cli.today.is_some() {
        bail!(TODAY_WITH_SERVER);
    }
    Ok(())
}

fn data_dir(cli: &Cli) -> Result<PathBuf> {
    Ok(match &cli.data_dir {
        Some(d) => d.clone(),
        None => project_dirs()?.data_dir().join("store"),
    })
}

/// The server's socket, and whether it was asked for (flag, environment or config) rather
/// than the default inside the data directory.
fn socket_path(cli: &Cli, config: &Config, dir: &Path) -> (PathBuf, bool) {
    match cli.socket.clone().or(config.socket.clone()) {
        Some(path) => (path, true),
        None => (yuanzhu::remote::default_socket(dir), false),
    }
}

/// The service, wherever it is: the server when one answers on the socket; otherwise, if
/// no socket was asked for, the store opened in this process. Every failure is said in
/// words a caseworker can act on.
fn reach(cli: &Cli, config: &Config, front: &Front, dir: &Path) -> Result<Box<dyn Backend>> {
    reach_as(cli, config, front, dir, false)
}

/// [`reach`]; with `owner_may`, in-process (the server stopped), the OS owner of the data
/// directory or root acts as an administrator even without an account, named so in the
/// audit — the only way to check, verify or re-anchor a store nobody else can open.
fn reach_as(
    cli: &Cli,
    config: &Config,
    front: &Front,
    dir: &Path,
    owner_may: bool,
) -> Result<Box<dyn Backend>> {
    let (socket, asked) = socket_path(cli, config, dir);
    match SocketBackend::connect(&socket) {
        Ok(backend) => {
            refuse_with_server(cli)?;
            return Ok(Box::new(backend));
        }
        Err(e) if asked => bail!(
            "无法连接援助服务（{}：{}）。服务可能没有运行，请联系县里的管理员启动它（yuanzhu serve）。",
            socket.display(),
            io_reason(&e)
        ),
        Err(_) => {}
    }
    let service = open_local(front, dir, &socket)?;
    let actor = local_actor(&service, cli, dir, owner_may)?;
    Ok(Box::new(LocalBackend::new(service, actor)))
}

/// The store opened in this process, every failure said in words a caseworker can act on.
fn open_local(front: &Front, dir: &Path, socket: &Path) -> Result<Service> {
    let server_hint = format!(
        "没有服务在 {} 应答。若这是多人共用的数据库，请管理员启动服务：yuanzhu serve --data-dir {}",
        socket.display(),
        dir.display()
    );
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => bail!(
            "无权直接打开数据目录 {}（它属于服务账户，只能通过服务使用）。{server_hint}",
            dir.display()
        ),
        _ if !store_exists(dir) => bail!(
            "在 {} 未找到数据库。试用请运行 `yuanzhu demo`，或用 --data-dir 指定数据目录。",
            dir.display()
        ),
        _ => {}
    }
    match Service::open(dir, front.store, front.today, front.settings.clone()) {
        Ok(service) => Ok(service),
        Err(OpenError::Locked(_)) => bail!(
            "数据库 {} 正被另一个程序使用。{server_hint}；否则请先关闭另一个 yuanzhu。",
            dir.display()
        ),
        Err(e) => Err(e.into()),
    }
}

/// Who acts in-process: the account of the OS user (or of `--as` on a demo); with
/// `owner_may`, the data directory's owner or root as an administrator when their own
/// account is not one (or they have none).
fn local_actor(
    service: &Service,
    cli: &Cli,
    dir: &Path,
    owner_may: bool,
) -> Result<yuanzhu::service::Actor> {
    let user = acting_user(service, cli.as_user.as_deref())?;
    match service.actor_for(&user) {
        Ok(actor) if actor.role == Role::Admin || !owner_may => Ok(actor),
        _ if owner_may && cli.as_user.is_none() && owns(dir) => Ok(yuanzhu::service::Actor {
            user: format!("{user}（数据目录所有者）"),
            role: Role::Admin,
            township: None,
        }),
        Ok(actor) => Ok(actor),
        Err(e) => Err(e.into()),
    }
}

/// The owner of `dir`, or of its nearest existing ancestor (a store about to be restored).
fn owner_of(dir: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    dir.ancestors()
        .find_map(|d| std::fs::metadata(d).ok())
        .map(|m| m.uid())
}

/// Whether this process's user owns `dir`, or is root.
fn owns(dir: &Path) -> bool {
    let uid = nix::unistd::getuid().as_raw();
    uid == 0 || owner_of(dir) == Some(uid)
}

/// `yuanzhu check`: through the server when one answers, else in-process with a progress
/// bar on a terminal.
fn check_store(cli: &Cli, config: &Config, front: &Front) -> Result<()> {
    let dir = data_dir(cli)?;
    let view = match SocketBackend::connect(&socket_path(cli, config, &dir).0) {
        Ok(backend) => {
            if cli.today.is_some() {
                bail!(TODAY_WITH_SERVER);
            }
            eprintln!("正在通过援助服务检查数据库……");
            Client::new(Box::new(backend)).check()?
        }
        Err(e) if socket_path(cli, config, &dir).1 => bail!(
            "无法连接援助服务（{}）。服务停止时，数据目录所有者可以不用 --socket 直接检查。",
            io_reason(&e)
        ),
        Err(_) => {
            let service = open_local(front, &dir, &socket_path(cli, config, &dir).0)?;
            let actor = local_actor(&service, cli, &dir, true)?;
            if actor.role != Role::Admin {
                bail!("只有管理员（或服务停止时的数据目录所有者）可以检查数据库");
            }
            let mut bar = yuanzhu::progress::Bar::new("检查");
            let view = service.check(&mut bar)?;
            bar.finish();
            view
        }
    };
    for (tree, n) in &view.counts {
        println!("{}{n}", pad(tree, 18));
    }
    println!(
        "审计链 {} 条，末条哈希 {}…",
        view.entries,
        view.head.get(..16).unwrap_or("")
    );
    for w in &view.warnings {
        println!("注意：{w}");
    }
    if view.problems.is_empty() {
        println!("数据库完好：每条记录均可读取，索引与记录一致，记录与审计一致");
        return Ok(());
    }
    for p in &view.problems {
        println!("问题：{p}");
    }
    if view.unlisted > 0 {
        println!("另有 {} 处问题未列出", view.unlisted);
    }
    bail!(
        "数据库检查发现 {} 处问题；请勿继续写入，联系管理员从备份恢复（yuanzhu restore）",
        view.problems.len() as u64 + view.unlisted
    )
}

/// `s` padded with spaces to `cells` terminal columns (a Chinese character is two).
/// `yuanzhu zero` (R-ZERO-1, R-ZERO-2): per township, the households on file, found and
/// cleared this month, and those that stopped qualifying for another reason (not cleared);
/// then every household past its clearance deadline.
fn print_zero_employment(rows: &[yuanzhu::service::ZeroEmploymentCount]) {
    println!(
        "{}{}{}{}本月其他原因退出",
        pad("乡镇", 12),
        pad("现有", 8),
        pad("本月新增", 10),
        pad("本月清零", 10)
    );
    let mut total = (0, 0, 0, 0);
    for r in rows {
        println!(
            "{}{:<8}{:<10}{:<10}{}",
            pad(&for_terminal(&r.township_name), 12),
            r.current,
            r.found_this_month,
            r.cleared_this_month,
            r.ended_this_month
        );
        total = (
            total.0 + r.current,
            total.1 + r.found_this_month,
            total.2 + r.cleared_this_month,
            total.3 + r.ended_this_month,
        );
    }
    println!(
        "{}{:<8}{:<10}{:<10}{}",
        pad("合计", 12),
        total.0,
        total.1,
        total.2,
        total.3
    );
    let overdue: Vec<_> = rows
        .iter()
        .flat_map(|r| r.past_deadline.iter().map(move |o| (r, o)))
        .collect();
    println!();
    if overdue.is_empty() {
        println!("没有超过清零期限的零就业家庭");
        return;
    }
    println!("超过清零期限的零就业家庭 {} 户：", overdue.len());
    println!(
        "{}{}{}{}清零期限",
        pad("乡镇", 12),
        pad("村（社区）", 14),
        pad("户主", 10),
        pad("成为零就业", 12)
    );
    for (r, o) in overdue {
        println!(
            "{}{}{}{}{}",
            pad(&for_terminal(&r.township_name), 12),
            pad(&for_terminal(&o.village), 14),
            pad(&for_terminal(&o.head), 10),
            pad(&o.since.format("%Y-%m-%d").to_string(), 12),
            o.deadline.format("%Y-%m-%d")
        );
    }
}

fn pad(s: &str, cells: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(cells.saturating_sub(w)))
}

/// The notice list (R-RECOG-1): for posting (txt) or for a spreadsheet (csv, UTF-8 with a
/// byte-order mark so that Excel reads the Chinese). Every text from the store is escaped
/// ([`for_terminal`], [`csv_cell`]): an old or imported record may carry bidi or control
/// characters, and a village named `=HYPERLINK(…)` must stay text in Excel.
fn print_notices(
    rows: &[yuanzhu::service::NoticeRow],
    format: NoticeFormat,
    today: NaiveDate,
) -> Result<()> {
    use std::io::Write as _;
    let cats = |r: &yuanzhu::service::NoticeRow| {
        r.categories
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join("、")
    };
    match format {
        NoticeFormat::Csv => {
            let mut out = std::io::stdout().lock();
            out.write_all("\u{feff}".as_bytes())?;
            let mut csv = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(out);
            csv.write_record([
                "乡镇",
                "村(社区)",
                "姓名",
                "身份证号",
                "人员类别",
                "公示开始",
                "公示结束",
            ])?;
            for r in rows {
                csv.write_record(
                    [
                        r.township_name.as_str(),
                        &r.village,
                        &r.name_masked,
                        &r.id_masked,
                        &cats(r),
                        &r.published.to_string(),
                        &r.ends.to_string(),
                    ]
                    .map(|cell| csv_cell(cell).into_owned()),
                )?;
            }
            csv.flush()?;
        }
        NoticeFormat::Txt => {
            println!(
                "就业困难人员认定公示名单（{}）",
                today.format("%Y年%m月%d日")
            );
            println!();
            if rows.is_empty() {
                println!("目前没有正在公示的人员。");
            }
            for r in rows {
                println!(
                    "{}{}{}{}  {}  公示期 {} 至 {}",
                    pad(&for_terminal(&r.township_name), 10),
                    pad(&for_terminal(&r.village), 12),
                    pad(&for_terminal(&r.name_masked), 8),
                    for_terminal(&r.id_masked),
                    cats(r),
                    r.published.format("%m月%d日"),
                    r.ends.format("%m月%d日")
                );
            }
            println!();
            println!("公示期间如有异议，请向所在乡镇（街道）公共就业服务机构反映。");
        }
    }
    Ok(())
}

fn io_reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "套接字不存在",
        std::io::ErrorKind::ConnectionRefused => "没有程序在监听",
        std::io::ErrorKind::PermissionDenied => "无权连接，请确认您的账户在服务的用户组中",
        _ => "连接失败",
    }
}

/// Sets up an empty county store: the county, its townships and one administrator; the
/// directory is the service account's alone (0700).
fn init_store(
    dir: &Path,
    county: &str,
    code: &str,
    townships: &Path,
    admin: Option<&str>,
    today: NaiveDate,
) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if store_exists(dir) {
        bail!("{} 已有数据库，不会覆盖", dir.display());
    }
    let county = yuanzhu::domain::text::clean_line(county, 20);
    if county.is_empty() {
        bail!("--county：县区名称不能为空");
    }
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) || !code.starts_with("36") {
        bail!("--code：县区代码应为 36 开头的 6 位数字（江西省），而不是“{code}”");
    }
    let bytes = std::fs::read(townships)
        .with_context(|| format!("无法读取乡镇清单 {}", townships.display()))?;
    let text = yuanzhu::domain::township_list::decode(&bytes)
        .map_err(|e| anyhow::anyhow!("乡镇清单 {}：{e}", townships.display()))?;
    let list = yuanzhu::domain::township_list::parse(&text, code).map_err(|errors| {
        anyhow::anyhow!(
            "乡镇清单 {} 有误：\n  {}",
            townships.display(),
            errors.join("\n  ")
        )
    })?;
    let admin = admin.map(str::to_string).unwrap_or_else(login_name);
    yuanzhu::domain::account::check_account_name(&admin)
        .map_err(|m| anyhow::anyhow!("--admin：{m}"))?;
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("无法设置 {} 的权限", dir.display()))?;
    let n = list.len();
    let new = NewCounty {
        name: county.clone(),
        code: code.to_string(),
        townships: list,
        admin: admin.clone(),
        created_on: today,
    };
    bootstrap::init_county(dir, &new, &login_name())?;
    println!(
        "已建立 {county}（{code}）的数据库：{}，{n} 个乡镇，管理员 {admin}",
        dir.display()
    );
    println!(
        "下一步：yuanzhu serve --data-dir {}，再用 yuanzhu user add 添加经办人",
        dir.display()
    );
    Ok(())
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

fn verify_audit(client: &mut Client) -> Result<()> {
    let check = client.audit_verify()?;
    for w in &check.warnings {
        println!("注意：{w}");
    }
    match check.problem {
        None => {
            println!(
                "审计链完整：共 {} 条，末条哈希 {}…（记录与审计的逐条比对请运行 yuanzhu check）",
                check.entries,
                check.head.get(..16).unwrap_or(&check.head)
            );
            Ok(())
        }
        Some(problem) => {
            println!(
                "审计链校验失败：{}（此前 {} 条完好）",
                for_terminal(&problem),
                check.entries
            );
            bail!("审计链校验失败")
        }
    }
}

/// `yuanzhu restore`: offline only (a server answering on the socket is refused), by the OS
/// owner of the data directory or root, whose name the restore's audit entry carries.
fn restore_store(
    backup: &Path,
    dir: &Path,
    replace: bool,
    socket: &Path,
    front: &Front,
) -> Result<()> {
    if SocketBackend::connect(socket).is_ok() {
        bail!(
            "援助服务正在 {} 应答，正在使用数据库：请先停止服务（systemctl stop yuanzhu）再恢复",
            socket.display()
        );
    }
    let owned_by = owner_of(dir).context("无法查看数据目录的所有者")?;
    if !owns(dir) {
        bail!(
            "只有数据目录 {} 的所有者（uid {owned_by}）或 root 可以恢复；请以该系统用户运行（如 sudo -u 服务账户 yuanzhu restore …）",
            dir.display()
        );
    }
    let actor = format!("{}（数据目录所有者）", login_name());
    let done = bootstrap::restore(backup, dir, replace, &actor, front.store)?;
    if let Some(aside) = &done.moved_aside {
        println!("原数据库已移到 {}（未删除）", aside.display());
    }
    println!(
        "已从备份恢复到 {}：备份时间 {}，审计记录 {} 条，加上本次恢复共 {} 条",
        dir.display(),
        done.manifest.written_at.format("%Y-%m-%d %H:%M:%S"),
        done.manifest.audit_entries,
        done.entries
    );
    println!("核对：yuanzhu audit verify --data-dir {}", dir.display());
    Ok(())
}

fn show_audit(client: &mut Client, person: Option<String>) -> Result<()> {
    let lines = client.audit_show(person)?;
    // Names and reasons in entries come from records, which may predate input cleaning.
    for e in lines {
        println!(
            "{:>6}  {}  {}  {}  {}",
            e.seq,
            e.at,
            for_terminal(&e.actor),
            for_terminal(&e.action),
            for_terminal(&e.target)
        );
    }
    Ok(())
}

/// What `demo` was asked for: the county's size, a reset, and whether it imports lists.
struct DemoWish {
    households: Option<u32>,
    reset: bool,
    lists: bool,
}

/// Finds, resets or generates the demo store at `dir`, opened once with `config`; the
/// handle goes on to serve the terminal.
fn prepare_demo(
    dir: &Path,
    wish: &DemoWish,
    today: NaiveDate,
    config: StoreConfig,
) -> Result<bootstrap::DemoHandle> {
    let (households, reset) = (wish.households, wish.reset);
    // A demo made before accounts existed is given the demo's accounts on the way.
    let mut demo = bootstrap::open_demo(dir, config, Some(&login_name()))?;
    if reset && demo.found != DemoStore::Absent {
        if demo.found == DemoStore::NotDemo {
            bail!("{} 不是演示数据库，拒绝删除", dir.display());
        }
        demo.close();
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("无法删除旧的演示数据 {}", dir.display()))?;
        demo = bootstrap::open_demo(dir, config, None)?;
    }
    match demo.found {
        DemoStore::NotDemo => bail!("{} 不是演示数据库；请换一个 --data-dir", dir.display()),
        DemoStore::Demo {
            households: existing,
        } => {
            if let Some(wanted) = households.filter(|w| *w != existing) {
                bail!(
                    "{} 已有 {existing} 户的演示数据，不是 {wanted} 户。要重新生成请加 --reset：\n  yuanzhu demo --households {wanted} --reset",
                    dir.display()
                );
            }
            Ok(demo)
        }
        DemoStore::Absent => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
            let n = households.unwrap_or(DEFAULT_DEMO_HOUSEHOLDS);
            eprintln!("正在生成演示县：{n} 户……");
            let spec = yuanzhu::demo::DemoSpec {
                households: n,
                today,
                lists: wish.lists,
            };
            Ok(bootstrap::generate_demo_into(
                dir,
                config,
                &spec,
                &login_name(),
            )?)
        }
    }
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
    /// The rules' numbers (notice days, holidays, tiers), from the config file.
    settings: Settings,
    keymap: Option<String>,
    theme: Theme,
    store: StoreConfig,
}

/// The OS user, or on a demo store the account named by `--as`.
fn acting_user(service: &Service, as_user: Option<&str>) -> Result<String> {
    match as_user {
        None => Ok(login_name()),
        Some(name) => {
            if !service.is_demo()? {
                bail!("--as 只能用于演示数据库；真实数据库中的身份来自登录的系统用户");
            }
            Ok(name.to_string())
        }
    }
}

fn open_tui(backend: Box<dyn Backend>, front: &Front) -> Result<()> {
    let keymap = load_keymap(front.keymap.as_deref())?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("需要在终端中运行（标准输入输出不是终端）");
    }
    let mut app = App::new(backend, keymap, front.theme).map_err(explain)?;
    terminal::run(&mut app).context("终端出错")?;
    Ok(())
}

/// A refusal at the door, with what to do about it.
fn explain(e: ServiceError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}
