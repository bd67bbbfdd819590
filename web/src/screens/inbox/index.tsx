import { useTranslation } from 'react-i18next';

export default function Inbox() {
  const { t } = useTranslation('inbox');
  return <h1>{t('title')}</h1>;
}
