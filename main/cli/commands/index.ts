// The command table: `shmscope --help` lists them in this order.
import type { Command } from '../command';
import { chat } from './chat';
import { create } from './create';
import { decode } from './decode';
import { diff } from './diff';
import { dump } from './dump';
import { layout } from './layout';
import { limits } from './limits';
import { load } from './load';
import { ls } from './ls';
import { ps } from './ps';
import { rm } from './rm';
import { sem } from './sem';
import { serve } from './serve';
import { show } from './show';
import { snap } from './snap';
import { write } from './write';

export const commands: Command[] = [ls, show, dump, layout, decode, write, snap, diff, load, create, rm, limits, sem, ps, chat, serve];
