import { parseSamples, profileReport } from './perf-profile';

/** One sample a line, as `perf script -F comm,pid,tid,ip,sym,dso` prints them. */
const script = [
  '        temporal   100/101      4a2f10 modernc.org/sqlite/lib._sqlite3VdbeExec (/opt/temporal)',
  '        temporal   100/102      4a2f20 modernc.org/sqlite/lib._sqlite3VdbeExec (/opt/temporal)',
  '        temporal   100/101      41c000 runtime.mallocgc (/opt/temporal)',
  '        temporal   100/103  ffffffff8204b115 tcp_sendmsg ([kernel.kallsyms])',
  '            node   200/200      18d0e96 Builtins_LoadIC (/usr/bin/node)',
  '            node   200/200  7f79a83c7185 LazyCompile:*serialize bson.js:10 (/tmp/perf-200.map)',
  '            node   200/207      21bd468 v8::internal::compiler::Reducer::Reduce (/usr/bin/node)',
  '            node   200/208      10a6d26 v8::internal::ConcurrentMarking::RunMajor (/usr/bin/node)',
  ' tokio-runtime-w   200/209  7f7997c4284b <tokio::sync::mpsc::UnboundedSender<T>>::send (/x/index.node)',
  '         swapper     0/0    ffffffff81000000 default_idle ([kernel.kallsyms])',
  '            perf   300/300  ffffffff81000000 do_syscall_64 ([kernel.kallsyms])',
  'garbage that is not a sample',
].join('\n');

describe('perf profile report', () => {
  const samples = parseSamples(script);

  it('reads each sample line, naming the main thread and stripping thread numbers', () => {
    expect(samples).toHaveLength(11);
    expect(samples[0]).toEqual({
      command: 'temporal',
      thread: 'temporal',
      pid: 100,
      ip: '4a2f10',
      symbol: 'modernc.org/sqlite/lib._sqlite3VdbeExec',
      dso: '/opt/temporal',
    });
    expect(samples[4].thread).toBe('main thread');
    expect(samples[8]).toMatchObject({
      thread: 'tokio-runtime-w',
      symbol: '<tokio::sync::mpsc::UnboundedSender<T>>::send',
    });
  });

  it('reports per stack process its milliseconds per delivery by library, thread and function', () => {
    const report = profileReport(
      'run1',
      samples,
      new Map([
        [100, 'temporal'],
        [200, 'worker'],
      ]),
      2,
    );
    // One sample is 1/499 s of CPU: 4 samples over 2 deliveries = 4.01 ms each.
    expect(report).toMatch(/temporal\s+4\.01\s+40\.0%/);
    expect(report).toMatch(/worker\s+5\.01\s+50\.0%/);
    expect(report).toMatch(/other: perf\s+1\.00\s+10\.0%/);
    expect(report).not.toContain('default_idle');
    const section = (name: string) => report.split('\n\n').find((part) => part.startsWith(`== ${name}:`))!;
    const temporal = section('temporal');
    expect(temporal).toMatch(/2\.00 ms\s+50\.0%\s+modernc\.org\/sqlite\/lib\n/);
    expect(temporal).toMatch(/1\.00 ms\s+25\.0%\s+runtime\n/);
    expect(temporal).toMatch(/1\.00 ms\s+25\.0%\s+kernel/);
    const worker = section('worker');
    for (const library of [
      'node: V8 builtins',
      'JavaScript (JIT code)',
      'node: V8 optimizing compilers',
      'node: V8 garbage collector',
      'index.node',
    ])
      expect(worker).toContain(library);
    expect(worker).toMatch(/2\.00 ms\s+40\.0%\s+main thread/);
    expect(worker).toMatch(/LazyCompile:\*serialize bson\.js:10 {2}\[perf-200\.map\]/);
  });
});
