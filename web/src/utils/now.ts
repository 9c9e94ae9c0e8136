import { onMounted, onUnmounted, ref } from 'vue'

// The current time as a ref, refreshed every `intervalMs`, so that "time left" texts move on.
export function useNow(intervalMs = 30_000) {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(() => {
      now.value = Date.now()
    }, intervalMs)
  })
  onUnmounted(() => clearInterval(timer))
  return now
}
