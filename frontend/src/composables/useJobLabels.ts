import { useI18n } from 'vue-i18n'
import type { JobStatus } from '@/api/contract'

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

const statusTagTypes: Record<JobStatus, TagType> = {
  queued: 'info',
  running: 'primary',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'warning',
}

/** Status label, tag colour and progress-bar state for a job status. */
export function useJobLabels() {
  const { t } = useI18n()
  return {
    statusLabel: (status: JobStatus) => t(`jobs.status.${status}`),
    statusTagType: (status: JobStatus): TagType => statusTagTypes[status] ?? 'info',
    progressStatus: (status: JobStatus): '' | 'success' | 'exception' | 'warning' =>
      status === 'succeeded'
        ? 'success'
        : status === 'failed'
          ? 'exception'
          : status === 'cancelled'
            ? 'warning'
            : '',
  }
}
