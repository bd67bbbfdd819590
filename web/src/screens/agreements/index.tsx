import { useTranslation } from 'react-i18next';

export default function Agreements() {
  const { t } = useTranslation('agreements');
  return <h1>{t('title')}</h1>;
}
