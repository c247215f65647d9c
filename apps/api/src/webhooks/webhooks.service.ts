import { HttpStatus, Injectable } from '@nestjs/common';
import type { CustomerPrincipal, WorkspacePrincipal } from '../../../../libs/auth/principal';
import { Environment } from '../../../../libs/config/environment';
import { resourceId } from '../../../../libs/crypto/resource-ids';
import type { ApplicationMode } from '../../../../libs/domain/applications';
import { Durations, parseDuration } from '../../../../libs/domain/duration';
import { WebhookDisabledError } from '../../../../libs/domain/errors';
import { signatureOf } from '../../../../libs/domain/webhooks';
import { httpUrlProblem } from '../../../../libs/domain/http-url';
import { RetryPolicySpec, retryPolicyProblem } from '../../../../libs/domain/retry-policy';
import { ApiError, FieldProblem } from '../../../../libs/http/api-error';
import { invalidFields } from '../../../../libs/http/validation';
import { ServiceMetrics } from '../../../../libs/observability/service-metrics';
import { deliveryIdOf } from '../../../../libs/persistence/repositories/webhook-deliveries.repository';
import { WebhooksRepository } from '../../../../libs/persistence/repositories/webhooks.repository';
import type { Application } from '../../../../libs/persistence/schemas/application.schema';
import type { Webhook } from '../../../../libs/persistence/schemas/webhook.schema';
import { SearchAttributes } from '../../../../libs/temporal/search-attributes';
import { WorkflowIds } from '../../../../libs/temporal/workflow-ids';
import { WorkflowStarter } from '../../../../libs/temporal/workflow-starter';
import { customHeaderProblems } from '../../../../libs/webhooks/custom-headers';
import { DeliveryControl } from '../../../../libs/webhooks/delivery-control.service';
import { EventIntake } from '../../../../libs/webhooks/event-intake.service';
import { assertPublicTarget, TargetRefusedError } from '../../../../libs/webhooks/target-guard';
import { WebhookSecretsService } from '../../../../libs/webhooks/webhook-secrets.service';
import { WebhookRecoveryWorkflow } from '../../../../libs/temporal/contracts/webhook-recovery.contract';
import { MissedEventsReplayWorkflow } from '../../../../libs/temporal/contracts/missed-events-replay.contract';
import type { WorkflowContract } from '../../../../libs/temporal/contracts/workflow-contract';
import type { ReplayInput } from '../../../../libs/domain/webhooks';
import { AuditEventsRepository } from '../../../../libs/persistence/repositories/audit-events.repository';
import { ApplicationsService } from '../applications/applications.service';
import type {
  FilterTestResponse,
  CreateWebhookDto,
  RecoverResponse,
  RetryPolicyDto,
  RateLimitDto,
  ReplayMissedResponse,
  SecretResponse,
  TestEventResponse,
  UpdateWebhookDto,
  WebhookResponse,
} from './dto/webhook.dto';
import { webhookView } from './webhook-view';
import { switchedByCustomer } from '../../../../libs/webhooks/webhook-health';
import { webhookWants } from '../../../../libs/webhooks/webhook-filter';
import { RateLimiter } from '../../../../libs/webhooks/rate-limiter';
import type { RateLimit } from '../../../../libs/domain/rate-limit';

/** `headers.0.key: …` into `{ field, problems }`. */
const asFieldProblem = (message: string): FieldProblem => {
  const [field, ...rest] = message.split(': ');
  return { field, problems: [rest.join(': ')] };
};

const tooManyWebhooks = (limit: number) =>
  new ApiError(
    HttpStatus.CONFLICT,
    'TOO_MANY_WEBHOOKS',
    `An application has at most ${limit} webhooks (every event goes to each): delete one, or subscribe one webhook to more event types`,
  );

function retryPolicySpec(dto: RetryPolicyDto): RetryPolicySpec {
  const ms = (value?: string | null) =>
    value === undefined || value === null ? undefined : parseDuration(value)!;
  return {
    scheduleMs: dto.schedule?.map((d) => parseDuration(d)!),
    initialIntervalMs: ms(dto.initialInterval),
    backoffCoefficient: dto.backoffCoefficient,
    maximumIntervalMs: ms(dto.maximumInterval),
    maximumAttempts: dto.maximumAttempts,
  };
}

/** A rate limit as stored: its two fields, nothing else of the DTO. */
const rateLimitOf = ({ count, per }: RateLimitDto): RateLimit => ({ count, per });

/** An application's webhooks: validated (SSRF too), their secrets sealed. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly workflows: WorkflowStarter,
    private readonly env: Environment,
    private readonly applications: ApplicationsService,
    private readonly webhooks: WebhooksRepository,
    private readonly secrets: WebhookSecretsService,
    private readonly deliveries: DeliveryControl,
    private readonly intake: EventIntake,
    private readonly metrics: ServiceMetrics,
    private readonly rateLimiter: RateLimiter,
    private readonly audit: AuditEventsRepository,
  ) {}

  async create(principal: CustomerPrincipal, appId: string, dto: CreateWebhookDto): Promise<WebhookResponse> {
    const application = await this.applications.owned(principal, appId);
    const retryPolicy = dto.retryPolicy ? retryPolicySpec(dto.retryPolicy) : null;
    await this.check(application.mode, { url: dto.url, headers: dto.headers, retryPolicy });
    const limit = this.env.WEBHOOKS_PER_APPLICATION;
    if ((await this.webhooks.countInApplication(application._id)) >= limit) throw tooManyWebhooks(limit);
    const id = resourceId('wh');
    const headers = await this.secrets.storeHeaders(id, dto.headers ?? []);
    const signature = dto.signature ?? 'hmac-sha256';
    const { secret } = await this.secrets.issueSigningSecret(id, new Date(), signature);
    const webhook = await this.webhooks.createInFreeSlot(
      {
        _id: id,
        applicationId: application._id,
        workspaceId: application.workspaceId,
        name: dto.name,
        url: dto.url,
        headers,
        eventTypes: [...new Set(dto.eventTypes ?? [])],
        enabled: dto.enabled ?? true,
        disabledReason: null,
        retryPolicy,
        filterJson: dto.filter ? JSON.stringify(dto.filter) : null,
        rateLimit: dto.rateLimit ? rateLimitOf(dto.rateLimit) : null,
        signature,
        ordering: dto.ordering ?? 'none',
        failingSince: null,
        lastSuccessAt: null,
      },
      limit,
    );
    if (!webhook) {
      // Concurrent creations took the last slots meanwhile: nothing of this one stays.
      await this.secrets.deleteForWebhooks([id]);
      throw tooManyWebhooks(limit);
    }
    return { ...(await this.view(webhook)), secret };
  }

  async list(principal: CustomerPrincipal, appId: string): Promise<WebhookResponse[]> {
    const application = await this.applications.owned(principal, appId);
    return Promise.all((await this.webhooks.list(application._id)).map((e) => this.view(e)));
  }

  async get(principal: CustomerPrincipal, appId: string, id: string): Promise<WebhookResponse> {
    return this.view(await this.owned(principal, appId, id));
  }

  async update(
    principal: CustomerPrincipal,
    appId: string,
    id: string,
    dto: UpdateWebhookDto,
  ): Promise<WebhookResponse> {
    const webhook = await this.owned(principal, appId, id);
    const application = await this.applications.owned(principal, appId);
    const retryPolicy =
      dto.retryPolicy === undefined ? undefined : dto.retryPolicy && retryPolicySpec(dto.retryPolicy);
    await this.check(application.mode, {
      url: dto.url,
      headers: dto.headers,
      retryPolicy: retryPolicy ?? null,
    });
    const headers = dto.headers && (await this.secrets.storeHeaders(id, dto.headers, webhook.headers));
    // Another signature: a key of it signs from now on, the previous one as well for a day.
    const resigned =
      dto.signature !== undefined && dto.signature !== signatureOf(webhook)
        ? await this.secrets.issueSigningSecret(id, new Date(Date.now() + Durations.DAY), dto.signature)
        : undefined;
    const updated = await this.webhooks.update(appId, id, {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.url !== undefined ? { url: dto.url } : {}),
      ...(headers ? { headers } : {}),
      ...(dto.eventTypes !== undefined ? { eventTypes: [...new Set(dto.eventTypes)] } : {}),
      ...(retryPolicy !== undefined ? { retryPolicy } : {}),
      ...(dto.filter !== undefined ? { filterJson: dto.filter && JSON.stringify(dto.filter) } : {}),
      ...(dto.ordering !== undefined ? { ordering: dto.ordering } : {}),
      ...(dto.rateLimit !== undefined ? { rateLimit: dto.rateLimit && rateLimitOf(dto.rateLimit) } : {}),
      ...(dto.signature !== undefined ? { signature: dto.signature } : {}),
      ...(dto.enabled !== undefined ? switchedByCustomer(dto.enabled) : {}),
    });
    if (!updated) throw this.notFound(id);
    return { ...(await this.view(updated)), ...(resigned && { secret: resigned.secret }) };
  }

  /** Deletes the webhook; its pending deliveries are cancelled. */
  async delete(principal: CustomerPrincipal, appId: string, id: string): Promise<void> {
    await this.owned(principal, appId, id);
    await this.webhooks.update(appId, id, { enabled: false, disabledReason: 'deleted' });
    await this.deliveries.cancelPending({ webhookId: id });
    await Promise.all([this.secrets.deleteForWebhooks([id]), this.rateLimiter.forget([id])]);
    await this.webhooks.delete(id);
  }

  async secret(principal: CustomerPrincipal, appId: string, id: string): Promise<SecretResponse> {
    await this.owned(principal, appId, id);
    const secret = await this.secrets.currentVerificationKey(id);
    if (!secret) throw this.notFound(id);
    return { secret };
  }

  async rotateSecret(
    principal: CustomerPrincipal,
    appId: string,
    id: string,
    overlap?: string | null,
  ): Promise<SecretResponse> {
    const webhook = await this.owned(principal, appId, id);
    const previousValidUntil = new Date(Date.now() + parseDuration(overlap ?? 'P1D')!);
    const { secret, issued } = await this.secrets.issueSigningSecret(
      id,
      previousValidUntil,
      signatureOf(webhook),
    );
    if (issued) this.metrics.keyRotated('signing_secret', 'manual');
    return { secret, previousValidUntil: previousValidUntil.toISOString() };
  }

  /** Retries, durably (a workflow), every failed delivery of the webhook since a time. */
  async recover(
    principal: CustomerPrincipal,
    appId: string,
    id: string,
    since: Date,
  ): Promise<RecoverResponse> {
    const webhook = await this.owned(principal, appId, id);
    if (!webhook.enabled) throw new WebhookDisabledError(id);
    const sinceIso = since.toISOString();
    return this.runForWebhook(WebhookRecoveryWorkflow, WorkflowIds.webhookRecovery(id, sinceIso), {
      applicationId: appId,
      webhookId: id,
      since: sinceIso,
    });
  }

  /**
   * Runs a webhook's operation since a time as a workflow (calls with the same ID share one run),
   * answering with what it did when it ends within API_WORKFLOW_WAIT_MS.
   */
  private async runForWebhook<R extends object>(
    contract: WorkflowContract<(input: ReplayInput) => Promise<R>>,
    workflowId: string,
    input: ReplayInput,
  ): Promise<{ workflowId: string } & Partial<R>> {
    const run = await this.workflows.startAndWait(
      contract,
      {
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: SearchAttributes.ApplicationId, value: input.applicationId },
          { key: SearchAttributes.WebhookId, value: input.webhookId },
        ],
      },
      this.env.API_WORKFLOW_WAIT_MS,
    );
    return run.finished
      ? { workflowId, ...run.result }
      : ({ workflowId } as { workflowId: string } & Partial<R>);
  }

  /**
   * Delivers, durably (a workflow), the events accepted since a time that the webhook takes and
   * has no delivery of (missed while it was disabled; made before it, if asked). Audited.
   */
  async replayMissed(
    principal: CustomerPrincipal,
    appId: string,
    id: string,
    request: { since: Date; includeBeforeCreation?: boolean },
  ): Promise<ReplayMissedResponse> {
    const webhook = await this.owned(principal, appId, id);
    if (!webhook.enabled) throw new WebhookDisabledError(id);
    const since = (
      request.includeBeforeCreation || request.since > webhook.createdAt ? request.since : webhook.createdAt
    ).toISOString();
    const workflowId = WorkflowIds.missedEventsReplay(id, since);
    await this.audit.record({
      workspaceId: webhook.workspaceId,
      applicationId: appId,
      action: 'webhook.missed_events_replayed',
      actor: { kind: 'workspace', id: principal.workspaceId },
      details: { webhookId: id, since, workflowId },
    });
    return {
      since,
      ...(await this.runForWebhook(MissedEventsReplayWorkflow, workflowId, {
        applicationId: appId,
        webhookId: id,
        since,
      })),
    };
  }

  /** Whether the webhook's payload filter takes an event with this data. */
  async filterTest(
    principal: CustomerPrincipal,
    appId: string,
    id: string,
    data: Record<string, unknown>,
  ): Promise<FilterTestResponse> {
    return { matches: webhookWants(await this.owned(principal, appId, id), data) };
  }

  /** Sends a WEBHOOK_TEST event to this webhook alone; its delivery is followed like any other. */
  async sendTest(principal: WorkspacePrincipal, appId: string, id: string): Promise<TestEventResponse> {
    const webhook = await this.owned(principal, appId, id);
    if (!webhook.enabled) throw new WebhookDisabledError(id);
    const eventId = resourceId('evt');
    await this.intake.accept({
      eventId,
      applicationId: webhook.applicationId,
      eventType: 'WEBHOOK_TEST',
      occurredAt: new Date().toISOString(),
      data: { test: true, webhookId: id },
      onlyWebhookId: id,
      requestedBy: { kind: 'workspace', id: principal.workspaceId },
    });
    return { eventId, deliveryId: deliveryIdOf(eventId, id) };
  }

  async owned(principal: CustomerPrincipal, appId: string, id: string): Promise<Webhook> {
    const application: Application = await this.applications.owned(principal, appId);
    const webhook = await this.webhooks.findInApplication(application._id, id);
    if (!webhook) throw this.notFound(id);
    return webhook;
  }

  private notFound(id: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'WEBHOOK_NOT_FOUND', `No webhook ${id} in this application`);
  }

  private async view(webhook: Webhook): Promise<WebhookResponse> {
    const sensitive = webhook.headers.some((h) => h.sensitive)
      ? await this.secrets.headerValues(
          webhook._id,
          webhook.headers.filter((h) => h.sensitive),
        )
      : {};
    const waiting = webhook.rateLimit ? await this.rateLimiter.waiting(webhook._id) : 0;
    return webhookView(webhook, sensitive, waiting);
  }

  /** The checks a DTO cannot make alone: URL for the mode and against SSRF, headers, retry bounds. */
  private async check(
    mode: ApplicationMode,
    input: { url?: string; headers?: { key: string; value: string }[]; retryPolicy: RetryPolicySpec | null },
  ): Promise<void> {
    const problems: FieldProblem[] = [];
    if (input.url !== undefined) {
      const problem = await this.urlProblem(input.url, mode);
      if (problem) problems.push({ field: 'url', problems: [problem] });
    }
    if (input.headers) problems.push(...customHeaderProblems(input.headers).map(asFieldProblem));
    const retry = input.retryPolicy && retryPolicyProblem(input.retryPolicy);
    if (retry) problems.push(asFieldProblem(retry.replace(/^retryPolicy /, 'retryPolicy: ')));
    if (problems.length > 0) throw invalidFields(problems);
  }

  private async urlProblem(value: string, mode: ApplicationMode): Promise<string | undefined> {
    const problem = httpUrlProblem(value, 'url');
    if (problem) return problem;
    const url = new URL(value);
    // A fragment never leaves the client: the receiver would not get what the URL seems to say.
    if (url.href.includes('#')) return 'url must not have a #fragment: HTTP never sends it to the receiver';
    if (url.protocol !== 'https:' && mode === 'live') return 'url must use https in live mode';
    if (this.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS) return undefined;
    try {
      await assertPublicTarget(url);
      return undefined;
    } catch (err) {
      if (err instanceof TargetRefusedError)
        return `url is ${err.message}: webhooks go only to public internet addresses`;
      throw err;
    }
  }
}
