import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parser } from '@prometheus-io/lezer-promql';
import { goTool } from './go-tool';

const run = promisify(execFile);

interface Sample {
  labels: Record<string, string>;
  /** Counters, gauges. */
  value?: number;
  /** Histograms: how many observations, their sum, and the cumulative count under each bound. */
  count?: number;
  sum?: number;
  buckets?: Record<string, number>;
}

interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  samples: Sample[];
}

/**
 * One scrape of a /metrics endpoint, parsed by the parser Prometheus itself uses
 * (tools/prom-parse, github.com/prometheus/common/expfmt): what a real Prometheus would read.
 */
export class Scrape {
  private constructor(readonly families: MetricFamily[]) {}

  static async of(url: string): Promise<Scrape> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const text = await response.text();
    const parsing = run(await goTool('prom-parse'), [], { maxBuffer: 1 << 24 });
    parsing.child.stdin!.end(text);
    return new Scrape(JSON.parse((await parsing).stdout) as MetricFamily[]);
  }

  family(name: string): MetricFamily | undefined {
    return this.families.find((f) => f.name === name);
  }

  /** The sum over the samples whose labels include `labels`: values, or observation counts of a histogram. */
  value(name: string, labels: Record<string, string> = {}): number {
    const family = this.family(name);
    if (!family) throw new Error(`no metric ${name} in the scrape`);
    return family.samples
      .filter((sample) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v))
      .reduce((total, sample) => total + (sample.value ?? sample.count ?? 0), 0);
  }

  /** Every series name a query could read: counters and gauges as named, histograms with their suffixes. */
  seriesNames(): Set<string> {
    return new Set(
      this.families.flatMap((f) =>
        f.type === 'HISTOGRAM' ? [f.name, `${f.name}_bucket`, `${f.name}_count`, `${f.name}_sum`] : [f.name],
      ),
    );
  }
}

/** The metric names a PromQL expression selects, parsed by Prometheus's own PromQL grammar (lezer). */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  let error: number | undefined;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) error ??= node.from;
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        names.add(expr.slice(node.from, node.to));
    },
  });
  if (error !== undefined) throw new Error(`not PromQL at ${error}: ${expr}`);
  return [...names];
}
