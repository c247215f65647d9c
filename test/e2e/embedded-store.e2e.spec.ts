import { mongo } from 'mongoose';

interface PlanNode {
  'Node Type': string;
  Plans?: PlanNode[];
}
const nodeTypes = (plan: PlanNode): string[] => [
  plan['Node Type'],
  ...(plan.Plans ?? []).flatMap((child) => nodeTypes(child)),
];

/**
 * The embedded store (FerretDB on PostgreSQL) answers lookups from indexes, not by reading whole
 * tables: FerretDB filters with `@>`, which only the GIN indexes that scripts/stack/ferretdb-indexes.sql
 * adds beside its own can serve. Checked on PostgreSQL's plans, which FerretDB's explain returns.
 */
describe('embedded store: lookups use indexes', () => {
  let client: mongo.MongoClient;
  let collection: mongo.Collection;

  beforeAll(async () => {
    client = await new mongo.MongoClient(process.env.MONGODB_URI!).connect();
    collection = client.db().collection(`index_probe_${Date.now()}`);
    await collection.createIndex({ applicationId: 1, status: 1 });
    await collection.insertMany(
      Array.from({ length: 3_000 }, (_, i) => ({
        _id: `doc_${i}` as never,
        applicationId: `app_${i % 30}`,
        status: i % 2 ? 'failed' : 'succeeded',
      })),
    );
    await client
      .db()
      .command({ analyze: collection.collectionName })
      .catch(() => undefined);
  });

  afterAll(async () => {
    await collection?.drop();
    await client?.close();
  });

  /** The plan's steps: PostgreSQL's node types under FerretDB, MongoDB's stages under MongoDB. */
  const plan = async (filter: mongo.Filter<mongo.Document>) => {
    const explained = (await collection.find(filter).explain()) as {
      queryPlanner: { Plan?: PlanNode; winningPlan?: unknown };
    };
    const { Plan, winningPlan } = explained.queryPlanner;
    if (Plan) return nodeTypes(Plan).join(' ');
    return JSON.stringify(winningPlan).replace(
      /IXSCAN|IDHACK|EXPRESS_IXSCAN|EXPRESS_CLUSTERED_IXSCAN/g,
      'Index Scan',
    );
  };

  it('finds by _id through an index', async () => {
    const steps = await plan({ _id: 'doc_1234' as never });
    expect(steps).toMatch(/Index Scan/);
    expect(steps).not.toMatch(/Seq Scan|COLLSCAN/);
    expect(await collection.findOne({ _id: 'doc_1234' as never })).toMatchObject({ applicationId: 'app_4' });
  });

  it('finds by the fields of a MongoDB index through an index', async () => {
    expect(await plan({ applicationId: 'app_7', status: 'failed' })).toMatch(/Index Scan/);
    expect(await collection.countDocuments({ applicationId: 'app_7', status: 'failed' })).toBe(100);
  });
});
