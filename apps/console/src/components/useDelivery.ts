import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';

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
