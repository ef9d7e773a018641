import type { CDPSession } from 'playwright-core'

export interface HeapSummary {
  /** V8's used heap after forced GC, compiled code included. */
  usedBytes: number
  /** Self size of the JavaScript values in a heap snapshot: objects, closures, arrays, strings, numbers. */
  dataBytes: number
  /** Objects and closures in the snapshot: what a leak of components or listeners would add. */
  objects: number
}

// Compiled code, hidden classes, feedback and other engine bookkeeping are left out: they grow
// while V8 optimises and say nothing about what the page holds on to.
const VALUE_TYPES = new Set([
  'object',
  'closure',
  'array',
  'string',
  'concatenated string',
  'sliced string',
  'regexp',
  'number',
  'bigint',
  'symbol',
])

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
  nodes: number[]
}

/**
 * Heap after two forced GCs, with a snapshot split into JavaScript values and engine data:
 * V8 keeps compiling hot functions for the first few hundred cycles, which grows the heap
 * without anything leaking.
 */
export async function heapSummary(session: CDPSession): Promise<HeapSummary> {
  await session.send('HeapProfiler.collectGarbage')
  await session.send('HeapProfiler.collectGarbage')
  const { usedSize } = (await session.send('Runtime.getHeapUsage')) as { usedSize: number }
  const chunks: string[] = []
  const collect = (event: { chunk: string }) => chunks.push(event.chunk)
  session.on('HeapProfiler.addHeapSnapshotChunk', collect)
  try {
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  } finally {
    session.off('HeapProfiler.addHeapSnapshotChunk', collect)
  }
  const snapshot = JSON.parse(chunks.join('')) as Snapshot
  const fields = snapshot.snapshot.meta.node_fields
  const types = snapshot.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const sizeAt = fields.indexOf('self_size')
  let dataBytes = 0
  let objects = 0
  for (let index = 0; index < snapshot.nodes.length; index += width) {
    const type = types[snapshot.nodes[index + typeAt]!] ?? ''
    if (!VALUE_TYPES.has(type)) continue
    dataBytes += snapshot.nodes[index + sizeAt]!
    if (type === 'object' || type === 'closure') objects += 1
  }
  return { usedBytes: usedSize, dataBytes, objects }
}
