import { activityFunctions } from './activities';

class Greeter {
  constructor(private readonly greeting: string) {}
  async greet(name: string): Promise<string> {
    return `${this.greeting}, ${name}`;
  }
}
class Counter {
  private count = 0;
  async increment(): Promise<number> {
    return this.#next();
  }
  #next(): number {
    return ++this.count;
  }
}

describe('activityFunctions', () => {
  it('registers every method of each instance, bound to it', async () => {
    const functions = activityFunctions(new Greeter('Hello'), new Counter());
    expect(Object.keys(functions).sort()).toEqual(['greet', 'increment']);
    const { greet, increment } = functions as unknown as {
      greet: Greeter['greet'];
      increment: Counter['increment'];
    };
    await expect(greet('Ada')).resolves.toBe('Hello, Ada');
    await increment();
    await expect(increment()).resolves.toBe(2);
  });

  it('refuses two activities with one name', () => {
    expect(() => activityFunctions(new Greeter('a'), new Greeter('b'))).toThrow(
      /Two activities are named "greet"/,
    );
  });
});
