export async function main(argv: readonly string[]): Promise<number> {
  console.log(`wanjs ${argv.join(' ')}`);
  return 0;
}
