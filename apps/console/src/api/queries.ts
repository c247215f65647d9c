import { useQuery } from '@tanstack/react-query';
import { api, call } from './client';

/** What several pages read, one query each, so they share one cache entry. */

export const webhooksKey = (applicationId: string) => ['webhooks', applicationId];

export function useWebhooks(applicationId: string) {
  return useQuery({
    queryKey: webhooksKey(applicationId),
    queryFn: () =>
      call(api.GET('/v1/applications/{appId}/webhooks', { params: { path: { appId: applicationId } } })),
  });
}

export function useEventTypes() {
  return useQuery({
    queryKey: ['event-types'],
    queryFn: () => call(api.GET('/v1/event-types')),
    staleTime: Infinity,
  });
}

/** One delivery with its attempts, followed every second while it is still pending. */
export function useDelivery(applicationId: string, deliveryId: string) {
  return useQuery({
    queryKey: ['delivery', applicationId, deliveryId],
    queryFn: () =>
      call(
        api.GET('/v1/applications/{appId}/deliveries/{deliveryId}', {
          params: { path: { appId: applicationId, deliveryId } },
        }),
      ),
    refetchInterval: (query) => (query.state.data && query.state.data.status !== 'pending' ? false : 1000),
  });
}
