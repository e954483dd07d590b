import { createContext, useContext, useMemo } from 'react';
import { useGroups, useStaff } from './api';

/**
 * Names for ids the views do not name themselves (custom `user` fields, and older servers
 * without the *_name members). Unknown ids show as `#id`.
 */
export interface Directory {
  userName: (id: number) => string;
  groupName: (id: number) => string;
}

export const fallbackName = (id: number) => `#${id}`;

export const DirectoryContext = createContext<Directory>({ userName: fallbackName, groupName: fallbackName });

export function useDirectory(): Directory {
  return useContext(DirectoryContext);
}

/** Loads groups and staff once for the page (both are cached for the dialogs too). */
export function useLoadDirectory(canReadUsers: boolean): Directory {
  const groups = useGroups();
  const staff = useStaff(null, canReadUsers);
  return useMemo(() => {
    const groupNames = new Map((groups.data ?? []).map((group) => [group.id, group.name]));
    const userNames = new Map((staff.data ?? []).map((user) => [user.id, user.name]));
    return {
      userName: (id) => userNames.get(id) ?? fallbackName(id),
      groupName: (id) => groupNames.get(id) ?? fallbackName(id),
    };
  }, [groups.data, staff.data]);
}
