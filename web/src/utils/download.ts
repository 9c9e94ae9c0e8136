import { ref } from 'vue'

// A download button's state: `busy` while the file is being fetched. Errors are already reported
// to the user by the http layer, so they are swallowed here.
export function useDownload(fetchFile: () => Promise<void>) {
  const busy = ref(false)
  async function run(): Promise<void> {
    busy.value = true
    try {
      await fetchFile()
    } catch {
      // reported by the http layer
    } finally {
      busy.value = false
    }
  }
  return { busy, run }
}
