/** Who is calling, as the auth guard established it. Services scope every query by it. */
export type Principal =
  | { kind: 'operator' }
  | { kind: 'workspace'; workspaceId: string; portal?: PortalScope }
  | { kind: 'application'; workspaceId: string; applicationId: string };

/** A console session opened by a portal link sees one application, with or without its keys. */
export interface PortalScope {
  applicationId: string;
  keys: boolean;
}

export type PrincipalKind = Principal['kind'];

export const CREDENTIAL_NAMES: Record<PrincipalKind, string> = {
  operator: 'the operator token (ADMIN_TOKEN)',
  workspace: 'a workspace API token (wst_…)',
  application: "the application's Private App Key (pak_…)",
};

export type WorkspacePrincipal = Extract<Principal, { kind: 'workspace' }>;
export type ApplicationPrincipal = Extract<Principal, { kind: 'application' }>;
/** A customer's credential: a workspace token, or an application's Private App Key. */
export type CustomerPrincipal = WorkspacePrincipal | ApplicationPrincipal;
