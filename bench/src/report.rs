//! The markdown report: every figure as a median beside its floor.

use std::fmt::Write as _;

use crate::calls::CallCount;
use crate::fetch::SizeFigures;
use crate::machine::{Machine, Versions};
use crate::overhead::BuildOverhead;
use crate::stats::{count, mebibytes, ratio, seconds, Sample};

/// Everything one benchmark run measured.
pub struct Report {
    pub command: String,
    pub mode: String,
    pub profile: String,
    pub machine: Machine,
    pub versions: Versions,
    pub latency_ms: u64,
    pub overhead: Vec<BuildOverhead>,
    pub nagle_skipped: bool,
    pub calls: Vec<CallCount>,
    pub fetch: Vec<(SizeFigures, Sample)>,
    pub idle_rss: Sample,
    pub binary_size: (u64, u64),
    pub handshake: (Sample, Sample),
}

impl Report {
    /// The report as markdown.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.header(&mut out);
        self.overhead(&mut out);
        self.calls(&mut out);
        self.fetch(&mut out);
        self.footprint(&mut out);
        out
    }

    fn header(&self, out: &mut String) {
        let m = &self.machine;
        let v = &self.versions;
        let memory = m.memory_bytes as f64 / (1024.0 * 1024.0 * 1024.0);
        let _ = write!(
            out,
            "# Panther provider benchmark\n\n\
             <!-- Written by panther-bench: change the benchmark, then run \
             it again, rather than editing this file. -->\n\n\
             Produced by `{}` ({}). Every figure is the median of several \
             runs, given beside its floor: the least the same work can \
             cost, measured in the same run. \"× floor\" is the figure \
             divided by its floor.\n\n\
             | | |\n|---|---|\n\
             | CPU | {} |\n| cores | {} |\n| memory | {memory:.1} GiB |\n\
             | rustc | {} |\n| Terraform | {} |\n\
             | provider | {}, commit {}, `{}` profile |\n\
             | tf-provider | 0.2.2 |\n\n",
            self.command,
            self.mode,
            m.cpu,
            m.cores,
            v.rustc,
            v.terraform,
            v.provider,
            v.commit,
            self.profile,
        );
    }

    fn overhead(&self, out: &mut String) {
        out.push_str(
            "## 1. Plugin overhead per data source\n\n\
             `terraform plan -parallelism=1` over K `panther_role` lookups \
             against the emulator with no added latency. All K lookups \
             share one roles listing, so what grows with K is the plugin \
             protocol. Floor: the same plan with K = 0, from the same \
             build. Per data source: (plan(K) − plan(0)) / K.\n\n\
             | build | K | plan | runs | × floor | per data source |\n\
             |---|---:|---:|---:|---:|---:|\n",
        );
        for build in &self.overhead {
            for (k, sample) in &build.plans {
                let per = build.per_data_source(*k, sample);
                let _ = writeln!(
                    out,
                    "| {} | {k} | {} | {} | {} | {} |",
                    build.label,
                    seconds(sample.median()),
                    sample.runs(),
                    ratio(sample.median(), build.floor()),
                    if *k == 0 {
                        "floor".to_owned()
                    } else {
                        seconds(per)
                    },
                );
            }
        }
        if self.nagle_skipped {
            out.push_str(
                "\nThe `keep-nagle` build was not measured in this run, so \
                 the cost of Nagle's algorithm is not shown.\n",
            );
        }
        out.push('\n');
    }

    fn calls(&self, out: &mut String) {
        out.push_str(
            "## 2. Calls to Panther per plan\n\n\
             Requests counted by the emulator (`GET /__emulator/counters`, \
             zeroed with `DELETE` before each plan) for one `terraform \
             plan` with an empty state. Floor: the distinct reads the plan \
             cannot do without, listed below the table.\n\n\
             | configuration | requests | runs | floor | × floor | by route (last plan) |\n\
             |---|---:|---:|---:|---:|---|\n",
        );
        for call in &self.calls {
            let routes: Vec<String> = call
                .routes
                .routes
                .iter()
                .map(|(route, n)| format!("`{route}` {n}"))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                call.name,
                call.total.median(),
                call.total.runs(),
                call.floor_total(),
                ratio(call.total.median(), call.floor_total() as f64),
                routes.join(", "),
            );
        }
        out.push('\n');
        for call in &self.calls {
            let _ = writeln!(out, "Floor of {}:", call.name);
            for (read, n) in &call.floor {
                let _ = writeln!(out, "- {read}: {n}");
            }
            out.push('\n');
        }
    }

    /// The shipped build's plan with no data source, from section 1.
    fn empty_plan(&self) -> f64 {
        self.overhead.first().map_or(f64::NAN, BuildOverhead::floor)
    }

    fn fetch(&self, out: &mut String) {
        let _ = write!(
            out,
            "## 3. Reading every user, {ms} ms per request\n\n\
             Every user, deactivated ones included, with {ms} ms added by \
             the emulator to each request. REST answers pages of at most \
             60 users; GraphQL's `users` answers in one request. The plan \
             holds one `panther_users` matching one email, so the provider \
             lists every user (by REST paging) while the plan stays small. \
             Floor: the same requests sent by a bare HTTP client (reqwest, \
             no Terraform, no client library) that only counts the users \
             and follows the cursor. \"Plan − empty plan\" takes away the \
             plan with no data source of section 1 ({empty}), leaving what \
             the listing costs through the provider. The emulator runs \
             inside the benchmark process, on two threads of its own.\n\n\
             | users | REST pages | runs | terraform plan (REST) \
             | plan − empty plan | client REST | client GraphQL \
             | bare REST (floor) | bare GraphQL (floor) |\n\
             |---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            ms = self.latency_ms,
            empty = seconds(self.empty_plan()),
        );
        for (size, _) in &self.fetch {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                count(size.users as u64),
                size.pages,
                size.plan.runs(),
                seconds(size.plan.median()),
                seconds(size.plan.median() - self.empty_plan()),
                seconds(size.client_rest.median()),
                seconds(size.client_graphql.median()),
                seconds(size.bare_rest.median()),
                seconds(size.bare_graphql.median()),
            );
        }
        out.push_str(
            "\nThe same figures against their floors, and REST paging \
             against GraphQL's single request:\n\n\
             | users | plan × REST floor | (plan − empty plan) × REST floor \
             | client REST × floor | client GraphQL × floor \
             | client REST ÷ client GraphQL |\n\
             |---:|---:|---:|---:|---:|---:|\n",
        );
        for (size, _) in &self.fetch {
            let rest_floor = size.bare_rest.median();
            let listing = size.plan.median() - self.empty_plan();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                count(size.users as u64),
                ratio(size.plan.median(), rest_floor),
                ratio(listing, rest_floor),
                ratio(size.client_rest.median(), rest_floor),
                ratio(size.client_graphql.median(), size.bare_graphql.median()),
                ratio(size.client_rest.median(), size.client_graphql.median()),
            );
        }
        out.push('\n');
    }

    fn footprint(&self, out: &mut String) {
        let floor = self.idle_rss.median();
        let _ = write!(
            out,
            "## 4. Memory, size and start-up\n\n\
             Peak resident memory (`VmHWM`) of the provider process serving \
             the plan of section 3, started by hand with `--debug` and \
             attached through `TF_REATTACH_PROVIDERS`, with no added \
             latency (latency does not change what the process holds). \
             Floor: the same provider serving a plan with no data \
             source.\n\n\
             | plan | peak RSS | runs | × floor |\n|---|---:|---:|---:|\n\
             | no data source (floor) | {} | {} | ×1.00 |\n",
            mebibytes(floor),
            self.idle_rss.runs(),
        );
        for (size, rss) in &self.fetch {
            let _ = writeln!(
                out,
                "| one `panther_users`, {} users | {} | {} | {} |",
                count(size.users as u64),
                mebibytes(rss.median()),
                rss.runs(),
                ratio(rss.median(), floor),
            );
        }

        let (size, floor_size) = self.binary_size;
        let (start, floor_start) = &self.handshake;
        let _ = write!(
            out,
            "\nThe binary, and the time from exec to the handshake line on \
             stdout, with the environment Terraform gives a plugin (magic \
             cookie, protocol versions, port range, client certificate). \
             Floor: `floor-provider`, a tf-provider plugin that serves \
             nothing, built with the same profile.\n\n\
             | | provider | floor | runs | × floor |\n|---|---:|---:|---:|---:|\n\
             | `{profile}` binary size | {} | {} | 1 | {} |\n\
             | exec to handshake | {} | {} | {} | {} |\n",
            mebibytes(size as f64),
            mebibytes(floor_size as f64),
            ratio(size as f64, floor_size as f64),
            seconds(start.median()),
            seconds(floor_start.median()),
            start.runs(),
            ratio(start.median(), floor_start.median()),
            profile = self.profile,
        );
    }
}
