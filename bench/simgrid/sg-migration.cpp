/* sg-migration: run SimGrid 3.32's VM live-migration plugin over a grid of
 * (memory, dirty rate, bandwidth, max downtime) cases and print one CSV line
 * per case, for cross-checking herd's own live-migration model.
 *
 * Bench-only: needs libsimgrid-dev (SimGrid 3.32); herd never links to it.
 * See README.md in this folder for the model SimGrid implements and for how
 * each knob below maps onto it.
 *
 * Usage:
 *   sg-migration                      run the 72-case grid, CSV on stdout
 *   sg-migration --case M,D,B,T ...   run only these cases (GiB, MiB/s, MiB/s, ms);
 *                                     --case may be repeated
 *   sg-migration --cap SECONDS        simulated-time cap per case (default 86400);
 *                                     0 = no cap: let SimGrid run into its own
 *                                     1e7 s stage-2 timeout
 *   sg-migration --no-header          omit the CSV header line
 *   sg-migration --with-downtime      append a 9th column, actual_downtime_s: how long
 *                                     the VM stayed suspended (stage 3); -1 if unknown
 *   --cfg=... / --log=...             passed on to SimGrid (its log goes to stderr),
 *                                     e.g. --log=vm_live_migration.thres:debug
 *
 * Every case runs in a fresh SimGrid engine in a forked child process, so the
 * cases cannot interfere with one another.
 */

#include <simgrid/plugins/live_migration.h>
#include <simgrid/plugins/load.h>
#include <simgrid/s4u.hpp>
#include <simgrid/s4u/VirtualMachine.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace sg4 = simgrid::s4u;

namespace {

constexpr double MiB = 1024.0 * 1024.0;
constexpr double GiB = 1024.0 * MiB;

/* Speed of each physical host, in flop/s. Its value does not matter for the
 * result (the plugin divides by it again), it only has to be the speed at
 * which the VM's load runs. */
constexpr double HOST_SPEED = 1e9;

struct Case {
  double mem_gib;
  double dirty_mibps;
  double bw_mibps;
  double downtime_ms;
};

struct Outcome {
  double start       = -1; /* simulated date when sg_vm_migrate was called */
  double end         = -1; /* simulated date when it returned */
  bool done          = false;
  double bytes_sent  = 0;  /* bytes that crossed the migration link */
  long mig_puts      = 0;  /* puts started on the plugin's src->dst migration mailbox */
  long mig_done      = 0;  /* ... and completed */
  double suspended   = -1; /* stage 3: the plugin suspends the VM ... */
  double resumed     = -1; /* ... and resumes it on the destination */
};

/* Per-process (per-case: each case runs in its own child) state. */
Outcome g_out;
double g_max_downtime_s = 0.03;
long g_downtime_queries = 0;
std::set<const sg4::Comm*> g_puts_in_flight;

} // namespace

/* The plugin (src/plugins/vm/VmLiveMigration.cpp, MigrationTx::operator()) reads
 * the VM's maximum downtime through this public C function, but SimGrid 3.32
 * has no setter for it: dirty_page_tracking.cpp hard-codes max_downtime_ = 0.03
 * (30 ms). The plugin calls it through the PLT, so this definition in the
 * executable (exported with ENABLE_EXPORTS / -rdynamic) takes precedence over
 * the library's, and lets us run the 300 ms cases through SimGrid's own code.
 * g_downtime_queries proves at run time that the plugin really called it. */
extern "C" double sg_vm_get_max_downtime(const_sg_vm_t /*vm*/)
{
  ++g_downtime_queries;
  return g_max_downtime_s;
}

namespace {

bool is_migration_mailbox(const sg4::Mailbox* mb)
{
  /* MigrationRx/MigrationTx (VmLiveMigration.hpp) exchange the RAM over the
   * mailbox "__mbox_mig_src_dst:<vm>(<src>-<dst>)": one put for stage 1, one
   * per stage-2 round, one for stage 3. */
  static const char prefix[] = "__mbox_mig_src_dst:";
  return mb != nullptr && std::strncmp(mb->get_cname(), prefix, sizeof(prefix) - 1) == 0;
}

[[noreturn]] void run_case_child(const Case& c, double cap_s, bool with_downtime, std::vector<std::string> sg_args)
{
  /* Build an argv for SimGrid out of the pass-through options. */
  std::vector<char*> argv;
  std::string prog = "sg-migration";
  argv.push_back(prog.data());
  for (auto& a : sg_args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(argv.size()) - 1;

  /* SimGrid's log appender writes to stderr; keep only warnings and worse by
   * default so stderr stays readable (a --log= given by the user wins). */
  xbt_log_control_set("root.thres:warning");
  sg4::Engine e(&argc, argv.data());
  /* CM02: plain max-min sharing without LV08's 0.97 bandwidth factor and
   * 13.01 latency factor; no cross-traffic, which would otherwise add a
   * reverse "ACK" flow of 5 % of each transfer on the same (shared) link and
   * slow every transfer to B / 1.05. Together: a link of B bytes/s really
   * moves B bytes/s of migration data. */
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/crosstraffic:0");

  sg_vm_live_migration_plugin_init();
  sg_link_load_plugin_init();

  const double bw      = c.bw_mibps * MiB;
  const double dirty   = c.dirty_mibps * MiB;
  const auto ramsize   = static_cast<size_t>(c.mem_gib * GiB);
  g_max_downtime_s     = c.downtime_ms / 1000.0;

  /* Platform: two single-core hosts joined by one link of the migration
   * bandwidth and zero latency. */
  auto* zone = sg4::create_full_zone("world");
  sg4::Host* src = zone->create_host("src", HOST_SPEED)->seal();
  sg4::Host* dst = zone->create_host("dst", HOST_SPEED)->seal();
  sg4::Link* link = zone->create_link("mig-link", bw)->set_latency(0)->seal();
  zone->add_route(src->get_netpoint(), dst->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(link)}, true);
  zone->seal();
  sg_link_load_track(link);

  /* The VM: 1 vCPU, RAM M. Dirty-page model parameters (see README.md):
   *   dp_rate [bytes/flop] = mig_speed * intensity / pm_speed
   *   dirtied bytes        = flops computed by the VM * dp_rate, capped at the working set
   * With the VM computing at pm_speed, dirty bytes/s = mig_speed * intensity,
   * so intensity = D / mig_speed. mig_speed must be > 0, otherwise dp_rate = 0
   * and nothing is ever dirtied; we set it to the link bandwidth. */
  sg4::VirtualMachine* vm = src->create_vm("vm", 1, ramsize);
  vm->start();
  sg_vm_set_migration_speed(vm, bw);
  sg_vm_set_dirty_page_intensity(vm, dirty / bw);
  sg_vm_set_working_set_memory(vm, ramsize);

  /* Count the puts the plugin makes on its migration mailbox (Comm::on_start
   * is declared in 3.32's headers but not defined in the library; on_send
   * fires once per put). */
  sg4::Comm::on_send_cb([](sg4::Comm const& comm) {
    if (is_migration_mailbox(comm.get_mailbox())) {
      ++g_out.mig_puts;
      g_puts_in_flight.insert(&comm);
    }
  });
  /* on_completion also fires for the receiver's get(): count sender sides only. */
  sg4::Activity::on_completion_cb([](sg4::Activity const& act) {
    const auto* comm = dynamic_cast<const sg4::Comm*>(&act);
    if (comm == nullptr || g_puts_in_flight.erase(comm) == 0)
      return;
    if (comm->get_state() == sg4::Activity::State::FINISHED)
      ++g_out.mig_done;
  });

  /* Downtime = time the VM spends suspended (stage 3). */
  sg4::VirtualMachine::on_suspend_cb([](sg4::VirtualMachine const&) { g_out.suspended = sg4::Engine::get_clock(); });
  sg4::VirtualMachine::on_resume_cb([](sg4::VirtualMachine const&) { g_out.resumed = sg4::Engine::get_clock(); });

  /* Keep the VM busy: the plugin only counts pages dirtied by flops the VM
   * actually computes, so an idle VM dirties nothing. One exec far longer than
   * any case keeps its single vCPU at 100 % for the whole migration. */
  sg4::ActorPtr load = sg4::Actor::create("load", vm, [] { sg4::this_actor::execute(HOST_SPEED * 1e9); });

  sg4::Actor::create("migrator", src, [vm, dst, load, link] {
    sg4::this_actor::yield(); /* let the load start first */
    g_out.start = sg4::Engine::get_clock();
    sg_vm_migrate(vm, dst);
    g_out.end        = sg4::Engine::get_clock();
    g_out.done       = true;
    g_out.bytes_sent = sg_link_get_cum_load(link);
    load->kill(); /* nothing left to simulate: end this case */
  });

  if (cap_s > 0)
    e.run_until(cap_s);
  else
    e.run();

  const bool converged = g_out.done;
  double duration;
  double bytes;
  long iterations;
  if (converged) {
    duration   = g_out.end - g_out.start;
    bytes      = g_out.bytes_sent;
    iterations = g_out.mig_puts - 2; /* stage-2 rounds: all puts minus stage 1 and stage 3 */
  } else {
    /* Capped: duration is the simulated time spent so far (a lower bound);
     * bytes are what crossed the link so far, iterations the stage-2 rounds
     * completed so far (completed puts minus stage 1). */
    duration   = sg4::Engine::get_clock() - (g_out.start < 0 ? 0 : g_out.start);
    bytes      = sg_link_get_cum_load(link);
    iterations = g_out.mig_done > 0 ? g_out.mig_done - 1 : 0;
  }

  if (g_downtime_queries == 0) {
    std::fprintf(stderr, "sg-migration: the plugin never called sg_vm_get_max_downtime: the max-downtime "
                         "interposition did not take effect (link with ENABLE_EXPORTS / -rdynamic)\n");
    std::fflush(stderr);
    _exit(3);
  }

  std::printf("%g,%g,%g,%g,%.6f,%d,%.0f,%ld", c.mem_gib, c.dirty_mibps, c.bw_mibps, c.downtime_ms, duration,
              converged ? 1 : 0, bytes, iterations);
  if (with_downtime)
    std::printf(",%.6f", converged && g_out.suspended >= 0 ? g_out.resumed - g_out.suspended : -1.0);
  std::printf("\n");
  std::fflush(stdout);
  std::fflush(stderr);
  /* Skip the engine's teardown: when capped, actors are still blocked. */
  _exit(0);
}

int run_case(const Case& c, double cap_s, bool with_downtime, const std::vector<std::string>& sg_args)
{
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    return -1;
  }
  if (pid == 0)
    run_case_child(c, cap_s, with_downtime, sg_args);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::perror("waitpid");
      return -1;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  /* SimGrid aborted this case (e.g. with --cap 0, a non-converging case hits
   * the plugin's 1e7 s stage-2 timeout and MigrationRx dies of an uncaught
   * TimeoutException). Keep the CSV complete with an all-unknown line. */
  std::fprintf(stderr, "sg-migration: case %g GiB, %g MiB/s, %g MiB/s, %g ms: SimGrid failed (%s %d)\n", c.mem_gib,
               c.dirty_mibps, c.bw_mibps, c.downtime_ms, WIFSIGNALED(status) ? "signal" : "exit status",
               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
  std::printf("%g,%g,%g,%g,-1,0,-1,-1%s\n", c.mem_gib, c.dirty_mibps, c.bw_mibps, c.downtime_ms,
              with_downtime ? ",-1" : "");
  std::fflush(stdout);
  return -1;
}

void usage(const char* prog)
{
  std::fprintf(stderr,
               "usage: %s [--case MEM_GIB,DIRTY_MIBPS,BW_MIBPS,DOWNTIME_MS]... [--cap SECONDS] [--no-header]\n"
               "          [--with-downtime]\n"
               "          [--cfg=... --log=... (passed to SimGrid)]\n",
               prog);
}

} // namespace

int main(int argc, char* argv[])
{
  std::vector<Case> cases;
  std::vector<std::string> sg_args;
  double cap_s = 86400.0;
  bool header  = true;
  bool with_downtime = false;

  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--case" && i + 1 < argc) {
      Case c{};
      if (std::sscanf(argv[++i], "%lf,%lf,%lf,%lf", &c.mem_gib, &c.dirty_mibps, &c.bw_mibps, &c.downtime_ms) != 4 ||
          c.mem_gib <= 0 || c.dirty_mibps < 0 || c.bw_mibps <= 0 || c.downtime_ms <= 0) {
        std::fprintf(stderr, "bad --case '%s'\n", argv[i]);
        return 2;
      }
      cases.push_back(c);
    } else if (a == "--cap" && i + 1 < argc) {
      cap_s = std::atof(argv[++i]);
    } else if (a == "--no-header") {
      header = false;
    } else if (a == "--with-downtime") {
      with_downtime = true;
    } else if (a.rfind("--cfg=", 0) == 0 || a.rfind("--log=", 0) == 0) {
      sg_args.push_back(a);
    } else {
      usage(argv[0]);
      return 2;
    }
  }

  if (cases.empty()) {
    for (double mem : {1.0, 4.0, 16.0})
      for (double dirty : {0.0, 10.0, 40.0, 80.0})
        for (double bw : {32.0, 52.0, 125.0})
          for (double dt : {30.0, 300.0})
            cases.push_back({mem, dirty, bw, dt});
  }

  if (header)
    std::printf("mem_gib,dirty_mibps,bw_mibps,downtime_ms,duration_s,converged,bytes_sent,iterations%s\n",
                with_downtime ? ",actual_downtime_s" : "");
  int failures = 0;
  for (const Case& c : cases)
    if (run_case(c, cap_s, with_downtime, sg_args) != 0)
      failures++;
  std::fflush(stdout);
  return failures == 0 ? 0 : 1;
}
