/** Times as the reader's locale shows them. */
export const formatTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
