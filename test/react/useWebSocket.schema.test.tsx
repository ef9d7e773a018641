import { render, screen } from '@testing-library/react'
import * as v from 'valibot'
import { describe, expect, expectTypeOf, test, vi } from 'vitest'
import { z } from 'zod'
import type { LifelineConnection } from '../../src/core/connection'
import { type StandardSchemaV1, useMessages, useWebSocket, type WebSocketResult } from '../../src/react/index'
import { createRenderCounter, fakeConnection, lastSocket, renderOnServer, step } from './helpers'

const zodPrice = z.object({ symbol: z.string(), price: z.number() })
const valibotPrice = v.object({ symbol: v.string(), price: v.number() })

function openConnection() {
  const fake = fakeConnection()
  return { ...fake, connection: fake.connection as LifelineConnection }
}

describe.each([
  ['zod', zodPrice],
  ['valibot', valibotPrice],
] as const)('schema with %s', (_name, schema) => {
  test('valid messages become lastJsonMessage; invalid ones go to onError and count once', () => {
    const { connection } = openConnection()
    const renders = createRenderCounter()
    const errors: Error[] = []
    function Price({ id }: { id: string }) {
      renders.hit()
      const { lastJsonMessage, lastMessage } = useWebSocket(connection, {
        schema,
        onError: (error) => errors.push(error),
      })
      expectTypeOf(lastJsonMessage).toEqualTypeOf<{ symbol: string; price: number } | null>()
      return (
        <p data-testid={id}>
          {lastJsonMessage ? `${lastJsonMessage.symbol} ${lastJsonMessage.price}` : String(lastMessage)}
        </p>
      )
    }
    render(
      <>
        <Price id="a" />
        <Price id="b" />
      </>,
    )
    step(() => lastSocket().open())
    step(() => lastSocket().receive(JSON.stringify({ symbol: 'ACME', price: 42 })))
    expect(screen.getByTestId('a').textContent).toBe('ACME 42')
    const before = renders.count

    step(() => lastSocket().receive(JSON.stringify({ symbol: 'ACME', price: 'free' })))
    step(() => lastSocket().receive('not json'))
    // Invalid messages keep the last valid one and do not re-render.
    expect(screen.getByTestId('a').textContent).toBe('ACME 42')
    expect(screen.getByTestId('b').textContent).toBe('ACME 42')
    expect(renders.count).toBe(before)
    // Each hook hears about each invalid message; the connection counts it once.
    expect(errors).toHaveLength(4)
    expect(errors[0]!.message).toMatch(/^Message failed its schema: .*price/)
    expect(connection.getStats().messagesInvalid).toBe(2)
    expect(connection.getStats().messagesReceived).toBe(3)

    step(() => lastSocket().receive(JSON.stringify({ symbol: 'ACME', price: 43 })))
    expect(screen.getByTestId('b').textContent).toBe('ACME 43')
  })
})

describe('schema', () => {
  test('lastJsonMessage is the schema output (transforms apply), checked once for all readers', () => {
    const { connection } = openConnection()
    const validate = vi.fn()
    const cents = z.object({ price: z.number() }).transform(({ price }) => {
      validate()
      return { cents: Math.round(price * 100) }
    })
    function Reader({ id }: { id: string }) {
      const { lastJsonMessage } = useWebSocket(connection, { schema: cents })
      expectTypeOf(lastJsonMessage).toEqualTypeOf<{ cents: number } | null>()
      return <p data-testid={id}>{lastJsonMessage?.cents ?? '-'}</p>
    }
    render(
      <>
        <Reader id="a" />
        <Reader id="b" />
        <Reader id="c" />
      </>,
    )
    step(() => lastSocket().open())
    step(() => lastSocket().receive('{"price":1.25}'))
    expect(screen.getByTestId('c').textContent).toBe('125')
    expect(validate).toHaveBeenCalledTimes(1)
  })

  test('the filter runs first: messages it rejects are not validated or counted', () => {
    const { connection } = openConnection()
    const onError = vi.fn()
    function Chat() {
      const { lastJsonMessage } = useWebSocket(connection, {
        filter: (_data, message) => (message.json as { type?: string } | null)?.type === 'chat',
        schema: z.object({ type: z.literal('chat'), text: z.string() }),
        onError,
      })
      return <p data-testid="chat">{lastJsonMessage?.text ?? '-'}</p>
    }
    render(<Chat />)
    step(() => lastSocket().open())
    step(() => lastSocket().receive('{"type":"presence","who":"ann"}'))
    step(() => lastSocket().receive('{"type":"chat","text":"hi"}'))
    step(() => lastSocket().receive('{"type":"chat","text":7}'))
    expect(screen.getByTestId('chat').textContent).toBe('hi')
    expect(onError).toHaveBeenCalledTimes(1)
    expect(connection.getStats().messagesInvalid).toBe(1)
  })

  test('a schema that throws, or is asynchronous, makes the message invalid', () => {
    const { connection } = openConnection()
    const throwing: StandardSchemaV1<unknown, { ok: true }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => {
          throw new Error('schema bug')
        },
      },
    }
    const errors: Error[] = []
    function Probe() {
      const { lastJsonMessage } = useWebSocket(connection, {
        schema: throwing,
        onError: (e) => errors.push(e),
      })
      return <p data-testid="out">{String(lastJsonMessage)}</p>
    }
    render(<Probe />)
    step(() => lastSocket().open())
    step(() => lastSocket().receive('{"ok":true}'))
    expect(screen.getByTestId('out').textContent).toBe('null')
    expect(errors[0]!.message).toContain('schema bug')
    expect(connection.getStats().messagesInvalid).toBe(1)

    const asynchronous = z.object({ ok: z.boolean() }).refine(async () => true)
    function AsyncProbe() {
      useWebSocket(connection, { schema: asynchronous, onError: (e) => errors.push(e) })
      return null
    }
    render(<AsyncProbe />)
    step(() => lastSocket().receive('{"ok":true}'))
    expect(errors.at(-1)!.message).toMatch(/asynchronous/)
  })

  test('a hook mounting beside others starts from the newest message only if it fits', () => {
    const { connection } = openConnection()
    function Raw() {
      const { lastMessage } = useWebSocket(connection)
      return <p data-testid="raw">{String(lastMessage)}</p>
    }
    function Typed({ id }: { id: string }) {
      const { lastJsonMessage } = useWebSocket(connection, { schema: zodPrice })
      return <p data-testid={id}>{lastJsonMessage ? lastJsonMessage.price : '-'}</p>
    }
    const view = render(<Raw />)
    step(() => lastSocket().open())
    step(() => lastSocket().receive('{"symbol":"X","price":5}'))
    view.rerender(
      <>
        <Raw />
        <Typed id="first" />
      </>,
    )
    expect(screen.getByTestId('first').textContent).toBe('5')
    step(() => lastSocket().receive('{"symbol":"X"}'))
    view.rerender(
      <>
        <Raw />
        <Typed id="first" />
        <Typed id="late" />
      </>,
    )
    expect(screen.getByTestId('first').textContent).toBe('5')
    expect(screen.getByTestId('late').textContent).toBe('-')
    // Catching up on mount is not a message event: nothing is counted twice.
    expect(connection.getStats().messagesInvalid).toBe(1)
  })

  test('types: the schema decides the type; without one, T is given or unknown', () => {
    const given = () => useWebSocket<{ n: number }>('ws://x')
    expectTypeOf(given).returns.toEqualTypeOf<WebSocketResult<{ n: number }>>()
    const typed = () => useWebSocket('ws://x', { schema: valibotPrice }).lastJsonMessage
    expectTypeOf(typed).returns.toEqualTypeOf<{ symbol: string; price: number } | null>()
    const untyped = () => useWebSocket('ws://x').lastJsonMessage
    expectTypeOf(untyped).returns.toEqualTypeOf<unknown>()
  })
})

test('a schema option that is not a Standard Schema is refused in the render that passes it', () => {
  const notASchema = { parse: (value: unknown) => value } as unknown as StandardSchemaV1
  function Socket() {
    useWebSocket('ws://lifeline.test/schema', { schema: notASchema })
    return null
  }
  function List() {
    useMessages('ws://lifeline.test/schema', (list: unknown[]) => list, [], { schema: notASchema })
    return null
  }
  for (const Component of [Socket, List]) {
    expect(() => renderOnServer(<Component />)).toThrow(
      new TypeError(
        "react-lifeline: schema must be a Standard Schema (an object with ['~standard'].validate), such as a zod 3.24+, valibot 1+ or arktype schema.",
      ),
    )
  }
})
